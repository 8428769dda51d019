-- The grouping key of each logged question (bot.text.question_key), stored when the
-- question is logged so that the staff statistics group in SQL. Rows logged before
-- this migration get theirs from Reports.question_groups, in small batches. The index
-- covers the grouping query: it reads the groups in order, with no sort.
ALTER TABLE questions ADD COLUMN qkey TEXT;
CREATE INDEX IF NOT EXISTS questions_qkey ON questions (qkey, folded, asked_at, answered);
