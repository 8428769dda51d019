-- Conversations handed to a person of the tourism office (bot/handoff/). A visitor has at
-- most one that is not closed. `visitor_at` (their last message) decides the messaging
-- windows of platforms that have one (Zalo OA); `active_at` (the last message either
-- way) the quiet period after which the bot takes over again.
CREATE TABLE handoffs (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    lang TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'closed')),
    question TEXT NOT NULL DEFAULT '',
    thread_id INTEGER,
    card_message_id INTEGER,
    claimed_by TEXT,
    closed_by TEXT,
    created_at REAL NOT NULL,
    claimed_at REAL,
    first_reply_at REAL,
    closed_at REAL,
    visitor_at REAL NOT NULL,
    active_at REAL NOT NULL
);
CREATE UNIQUE INDEX handoffs_one_active ON handoffs (channel, user_id) WHERE status != 'closed';
CREATE INDEX handoffs_of_user ON handoffs (channel, user_id);
CREATE INDEX handoffs_by_thread ON handoffs (thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX handoffs_by_card ON handoffs (card_message_id) WHERE card_message_id IS NOT NULL;

-- The transcript and, while `pending`, the relay queue: 'card' (the request, to the staff
-- chat), 'in' (visitor -> staff), 'out' (staff -> visitor), 'note' (to the staff chat).
-- Rows are written before the message that caused them is acknowledged, and sent in id
-- order per conversation, so a restart loses none and keeps their order.
CREATE TABLE handoff_messages (
    id INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('card', 'in', 'out', 'note')),
    text TEXT NOT NULL,
    author TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL DEFAULT 0,
    reason TEXT,
    staff_message_id INTEGER,
    created_at REAL NOT NULL,
    sent_at REAL
);
CREATE INDEX handoff_messages_of ON handoff_messages (handoff_id, id);
CREATE INDEX handoff_messages_pending ON handoff_messages (id) WHERE status = 'pending';
CREATE INDEX handoff_messages_by_staff_copy ON handoff_messages (staff_message_id)
    WHERE staff_message_id IS NOT NULL;

-- The visitor's active handoff, read with the row every message upserts anyway: routing a
-- message to staff costs no query of its own.
ALTER TABLE users ADD COLUMN handoff INTEGER;
