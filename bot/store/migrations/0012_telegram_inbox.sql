-- Telegram updates received but not yet handled. Polling confirms an update to Telegram
-- with the next getUpdates, whether or not it has been handled; a webhook is answered
-- at once. Kept here until handled, an update survives a crash and is handled at the
-- next start.
CREATE TABLE telegram_inbox (
    update_id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    received_at REAL NOT NULL
);
