
    CREATE TABLE photo (
        id            TEXT PRIMARY KEY NOT NULL,
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        item_code     TEXT NOT NULL,
        file_name     TEXT NOT NULL,
        taken_at      TEXT,
        sha256        TEXT NOT NULL,
        width         INTEGER NOT NULL,
        height        INTEGER NOT NULL,
        jpeg          BLOB NOT NULL,
        thumbnail     BLOB NOT NULL,
        created_at    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX photo_item ON photo(inspection_id, item_code);

    CREATE TRIGGER photo_locked_insert BEFORE INSERT ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_update BEFORE UPDATE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_delete BEFORE DELETE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    