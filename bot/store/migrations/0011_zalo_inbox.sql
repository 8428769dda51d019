-- A Zalo update is answered 200 as soon as it is stored; until it has been handled its
-- body stays here, so a crash in between loses nothing: the channel handles it again at
-- its next start. Handled updates keep only their id (for de-duplication).
ALTER TABLE zalo_seen ADD COLUMN body TEXT;
CREATE INDEX zalo_seen_unhandled ON zalo_seen (channel, seen_at) WHERE body IS NOT NULL;
