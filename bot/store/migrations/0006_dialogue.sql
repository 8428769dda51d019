-- The dialogue state of each chat (subject, options on offer, when), as JSON on the
-- user's row: it is read by the upsert that every message makes anyway, so it costs no
-- round trip of its own, and /forget deletes it with the row.
ALTER TABLE users ADD COLUMN dialogue TEXT;
