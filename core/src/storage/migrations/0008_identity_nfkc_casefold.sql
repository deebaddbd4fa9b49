-- Panelist schema, version 8. Append-only: never edit a migration that has
-- landed; add a new file instead.
--
-- Identity from the Unicode standard: a name key is now NFKC_Casefold (every
-- Default_Ignorable_Code_Point dropped, full case folding: "ẞ" is "ss"),
-- whitespace collapsed (core::text::name_key). The Rust hook that runs after
-- this file recomputes every stored key: candidates and pinned signers (kit
-- names are compared by key in Rust and store none).
--
-- Two rows whose names were different under the old key and are the same
-- name now:
-- - candidates are merged: every session of the later candidate (by
--   insertion) is filed under the earliest one, and the later row goes. They
--   were one person spelled two ways ("Jürgen Groß" and "JÜRGEN GROẞ"); kept
--   apart, a colleague's session of that person would escape sealing.
-- - signers: the pin seen first is kept and the later one goes. The later
--   one was pinned for a name differing only by invisible characters or
--   case, the shape of an impersonation; its files now meet the earlier key
--   and are refused until the user accepts a new key.
--
-- The key columns and their indexes stay as they are (candidate.name_key
-- indexed, signer.name_key the primary key): only their values change.
--
-- Each candidate also gets its two loose keys (core::text::look_keys: the
-- name folded to ASCII, and folded through Unicode TS #39 confusable
-- prototypes), filled by the hook too. They are never an identity: the
-- sealing rule also seals a colleague's session whose candidate only looks
-- or reads like one of mine ("Soren" for "Søren"), erring on the safe side.
ALTER TABLE candidate ADD COLUMN look_key TEXT NOT NULL DEFAULT '';
ALTER TABLE candidate ADD COLUMN look_key_confusable TEXT NOT NULL DEFAULT '';
CREATE INDEX candidate_by_look ON candidate(look_key);
CREATE INDEX candidate_by_look_confusable ON candidate(look_key_confusable);
