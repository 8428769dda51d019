-- The question as the visitor typed it (diacritics, capitals), for the staff reports;
-- `folded` stays the form questions are grouped by. Deleted by /forget and by retention
-- like the rest of the row.
ALTER TABLE questions ADD COLUMN asked TEXT;
