
    ALTER TABLE inspection ADD COLUMN seal_version INTEGER;
    ALTER TABLE inspection ADD COLUMN sealed_header TEXT;
    UPDATE inspection SET seal_version = 1 WHERE seal IS NOT NULL;

    CREATE TABLE seal_log (
        seq           INTEGER PRIMARY KEY,
        inspection_id TEXT NOT NULL,
        seal          TEXT NOT NULL,
        seal_version  INTEGER NOT NULL,
        signed_off_at TEXT NOT NULL,
        prev_hash     TEXT NOT NULL,
        entry_hash    TEXT NOT NULL UNIQUE
    ) STRICT;
    CREATE INDEX seal_log_inspection ON seal_log(inspection_id);
    CREATE INDEX seal_log_seal ON seal_log(seal);

    CREATE TRIGGER seal_log_no_update BEFORE UPDATE ON seal_log
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER seal_log_no_delete BEFORE DELETE ON seal_log
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER inspection_locked_update BEFORE UPDATE ON inspection
    WHEN OLD.signed_off_at IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER inspection_locked_delete BEFORE DELETE ON inspection
    WHEN OLD.signed_off_at IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    DROP TRIGGER inspection_item_locked;
    DROP TRIGGER signature_locked_insert;
    DROP TRIGGER signature_locked_update;
    DROP TRIGGER signature_locked_delete;
    DROP TRIGGER photo_locked_insert;
    DROP TRIGGER photo_locked_update;
    DROP TRIGGER photo_locked_delete;
    DROP TRIGGER member_locked_insert;
    DROP TRIGGER member_locked_update;
    DROP TRIGGER member_locked_delete;
    CREATE TRIGGER inspection_item_locked BEFORE UPDATE ON inspection_item
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER signature_locked_insert BEFORE INSERT ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER signature_locked_update BEFORE UPDATE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER signature_locked_delete BEFORE DELETE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER photo_locked_insert BEFORE INSERT ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER photo_locked_update BEFORE UPDATE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER photo_locked_delete BEFORE DELETE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER member_locked_insert BEFORE INSERT ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER member_locked_update BEFORE UPDATE ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER member_locked_delete BEFORE DELETE ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER rectification_locked_insert BEFORE INSERT ON rectification
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER rectification_locked_update BEFORE UPDATE ON rectification
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER rectification_locked_delete BEFORE DELETE ON rectification
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    