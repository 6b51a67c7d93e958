
    ALTER TABLE inspection ADD COLUMN signed_off_at TEXT;
    ALTER TABLE inspection ADD COLUMN seal TEXT;
    CREATE INDEX inspection_seal ON inspection(seal);

    CREATE TABLE signature (
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        signer        TEXT NOT NULL,
        wet_ink       INTEGER NOT NULL DEFAULT 0,
        strokes       TEXT NOT NULL DEFAULT '[]',
        signed_at     TEXT NOT NULL,
        PRIMARY KEY (inspection_id, position)
    ) STRICT;

    CREATE TRIGGER inspection_item_locked BEFORE UPDATE ON inspection_item
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_insert BEFORE INSERT ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_update BEFORE UPDATE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_delete BEFORE DELETE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    