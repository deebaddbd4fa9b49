-- Panelist schema, version 3. Append-only: never edit a migration that has
-- landed; add a new file instead.
--
-- The entries now live in entry_v2 (see 0002); the old table with a full
-- question copy per entry goes.

DROP TABLE entry;
ALTER TABLE entry_v2 RENAME TO entry;
