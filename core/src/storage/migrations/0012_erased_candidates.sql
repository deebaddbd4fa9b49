-- Schema 12: the register of erased candidates, so that an erased candidate
-- never comes back (from a team server's change feed, `sync --from-start`,
-- or a session file). No name is kept: each row is a salted SHA-256 of the
-- candidate's identity key (`wire::erasure_hash`), with the salt it was
-- made with (this database's own, `meta.erasure_salt`, for erasures made
-- here; a team server's, for erasures it sent), and the erasure's time:
-- sessions of that candidate created at or before it are not imported.
CREATE TABLE erased_candidate (
    salt      TEXT NOT NULL,
    key_hash  TEXT NOT NULL,
    erased_at TEXT NOT NULL,
    PRIMARY KEY (salt, key_hash)
) STRICT;

INSERT OR IGNORE INTO meta (key, value) VALUES ('erasure_salt', lower(hex(randomblob(32))));
