-- Users, their preferences, the question log and the search index.
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    lang TEXT,
    lang_explicit INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (channel, user_id)
);

CREATE TABLE IF NOT EXISTS subscriptions (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    topic TEXT NOT NULL,  -- "all", "province:<id>", "tag:<tag>" or "event:<id>"
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (channel, user_id, topic),
    FOREIGN KEY (channel, user_id) REFERENCES users (channel, user_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS subscriptions_topic ON subscriptions (topic);

CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    channel TEXT NOT NULL,
    user_id TEXT,
    folded TEXT NOT NULL,
    lang TEXT NOT NULL,
    answered INTEGER NOT NULL,
    matched TEXT NOT NULL DEFAULT ''  -- space-separated item ids
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
CREATE INDEX IF NOT EXISTS questions_user ON questions (channel, user_id);

-- The search index: one row per content item, rebuilt when the content fingerprint changes.
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    fulltext TEXT NOT NULL  -- folded text of every field, for coverage scoring
);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    names, summary, body, tags,
    tokenize='unicode61 remove_diacritics 0'
);
