-- Staff announcements: staff members, their audit trail and drafts, and the durable outbox
-- (one announcement row plus one delivery row per recipient). Machine times are Unix
-- seconds (REAL) because the sender compares them on every poll.

CREATE TABLE IF NOT EXISTS staff (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (channel, user_id)
);

-- Every staff action, and every refused attempt at one.
CREATE TABLE IF NOT EXISTS staff_audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    allowed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_audit_at ON staff_audit (at);

-- The announcement a staff member is composing in a chat (JSON with a revision number, so
-- a stale preview's confirm button cannot send a later version).
CREATE TABLE IF NOT EXISTS staff_drafts (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (channel, user_id)
);

CREATE TABLE IF NOT EXISTS announcements (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'announcement',  -- 'announcement' | 'reminder'
    ref TEXT UNIQUE,  -- reminders: 'reminder:<event id>:<start date>', one per occurrence
    text_vi TEXT,
    text_en TEXT,
    audience TEXT NOT NULL,  -- what staff chose, e.g. 'province:lang-son event:hoi-lim'
    topics TEXT NOT NULL,  -- JSON list of subscription topics reached; ["*"] = every subscriber
    status TEXT NOT NULL,  -- 'scheduled' | 'sending' | 'done' | 'cancelled'
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL,
    due_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    total INTEGER NOT NULL DEFAULT 0,
    CHECK (text_vi IS NOT NULL OR text_en IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS announcements_status ON announcements (status, due_at);

CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',  -- 'pending' | 'sending' | 'sent' | 'failed' | 'skipped'
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,  -- claims so far; a crash leaves the count behind
    next_at REAL NOT NULL DEFAULT 0,  -- not before (backoff after a network error)
    lease_owner TEXT,  -- outbox_workers.id while 'sending'
    updated_at REAL,
    UNIQUE (announcement_id, channel, user_id),
    -- /forget deletes the user's deliveries with the user.
    FOREIGN KEY (channel, user_id) REFERENCES users (channel, user_id) ON DELETE CASCADE
);
-- Only the open rows are ever searched by the sender; finished ones leave this index.
CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (announcement_id, id)
    WHERE status IN ('pending', 'sending');
CREATE INDEX IF NOT EXISTS deliveries_user ON deliveries (channel, user_id);

-- Running senders and their heartbeats: rows leased by a worker whose heartbeat stopped
-- (killed, crashed) may be claimed again.
CREATE TABLE IF NOT EXISTS outbox_workers (
    id TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started_at REAL NOT NULL,
    heartbeat REAL NOT NULL
);
