-- The send budget of each bot token (key: a hash of it), shared by every outbox worker
-- that sends with it, in any process: the next free send slot and a flood-control pause.
CREATE TABLE IF NOT EXISTS send_pace (
    key TEXT PRIMARY KEY,
    next_at REAL NOT NULL,
    paused_until REAL NOT NULL DEFAULT 0
);
