-- Visitors' feedback on content answers: one row per answer shown with "helpful? 👍 / 👎"
-- (its id travels in the buttons' payload), the vote once one is pressed, and what the
-- visitor wrote was missing after a 👎. Self-contained; deleted by /forget and by the
-- question log's retention like the questions themselves.
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    lang TEXT NOT NULL,
    asked TEXT NOT NULL,  -- the question as the visitor typed it
    qkey TEXT NOT NULL,  -- its content words (bot.text.question_key), to group variants
    item_id TEXT NOT NULL,  -- the item the answer is about (the first one shown)
    shown TEXT NOT NULL,  -- space-separated ids of every item the answer showed
    vote INTEGER,  -- NULL: not rated (yet); 1: helpful; 0: not helpful
    voted_at TEXT,
    comment TEXT,  -- what was missing, the visitor's next message after a 👎
    CHECK (vote IS NULL OR vote IN (0, 1))
);
CREATE INDEX IF NOT EXISTS feedback_user ON feedback (channel, user_id);
CREATE INDEX IF NOT EXISTS feedback_created_at ON feedback (created_at);
