
    ALTER TABLE inspection ADD COLUMN parent_id TEXT REFERENCES inspection(id);
    ALTER TABLE inspection ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX inspection_parent ON inspection(parent_id);

    CREATE TABLE rectification (
        id               TEXT PRIMARY KEY NOT NULL,
        inspection_id    TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        item_code        TEXT NOT NULL,
        requirement      TEXT NOT NULL,
        responsible_unit TEXT NOT NULL,
        deadline         TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        UNIQUE (inspection_id, item_code)
    ) STRICT;
    