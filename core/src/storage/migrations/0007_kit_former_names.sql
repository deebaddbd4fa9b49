-- The names a kit had before it was renamed. A session keeps the kit name it
-- was made with (its session file carries it, signed), so a renamed kit
-- finds its earlier interviews, and colleagues' under the old name, through
-- these names. A name belongs to one kit at a time, current or former.
CREATE TABLE kit_former_name (
    kit_id TEXT NOT NULL REFERENCES kit(id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    PRIMARY KEY (kit_id, name)
) STRICT;
CREATE UNIQUE INDEX kit_former_name_name ON kit_former_name (name COLLATE NOCASE);
