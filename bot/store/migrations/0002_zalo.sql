-- Zalo channels: OA tokens, seen message ids, numbered options, OA last interaction.
-- Self-contained (touches no table of another migration), so it applies the same way
-- whether or not 0002 exists yet.

-- One row per OAuth answer (and per seeded refresh token), never updated except to fill
-- in the parsed pair: the raw answer is written first, because after a refresh the old
-- refresh token is dead and these bytes are the only copy of the new one.
CREATE TABLE IF NOT EXISTS zalo_oa_tokens (
    id INTEGER PRIMARY KEY,
    app_id TEXT NOT NULL,
    state TEXT NOT NULL,  -- 'pending' (raw stored, not parsed yet), 'ok' or 'unreadable'
    source TEXT NOT NULL,  -- 'oauth' or 'seed'
    raw TEXT,  -- the OAuth response body as received
    access_token TEXT,
    refresh_token TEXT,
    expires_at REAL,  -- unix seconds
    received_at REAL,  -- unix seconds, when the OAuth answer arrived
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS zalo_oa_tokens_app ON zalo_oa_tokens (app_id, state, id);

-- Message and event ids already handled, so a redelivery or a restart is not answered twice.
CREATE TABLE IF NOT EXISTS zalo_seen (
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    seen_at REAL NOT NULL,  -- unix seconds
    PRIMARY KEY (channel, message_id)
);
CREATE INDEX IF NOT EXISTS zalo_seen_at ON zalo_seen (channel, seen_at);

-- The payloads behind the numbers "1", "2", ... last shown to a user.
CREATE TABLE IF NOT EXISTS zalo_options (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    payloads TEXT NOT NULL,  -- JSON list, in number order
    saved_at REAL NOT NULL,
    PRIMARY KEY (channel, user_id)
);

-- When an OA follower last wrote: consultation messages are refused after 7 days.
CREATE TABLE IF NOT EXISTS zalo_oa_interactions (
    user_id TEXT PRIMARY KEY,
    last_at REAL NOT NULL
);
