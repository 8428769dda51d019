-- A random salt, made once per database, for the pseudonyms that stand in for the user
-- ids of refused staff attempts in staff_audit (bot/store/pseudonym.py). Rows written
-- before it keep no id: they cannot be hashed in SQL, and /forget could not find them.
INSERT OR IGNORE INTO meta (key, value) VALUES ('pseudonym_salt', lower(hex(randomblob(16))));
UPDATE staff_audit SET user_id = '' WHERE allowed = 0;
