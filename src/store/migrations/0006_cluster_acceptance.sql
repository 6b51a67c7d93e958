
    DROP TRIGGER inspection_item_locked;
    DROP TRIGGER signature_locked_insert;
    DROP TRIGGER signature_locked_update;
    DROP TRIGGER signature_locked_delete;
    DROP TRIGGER photo_locked_insert;
    DROP TRIGGER photo_locked_update;
    DROP TRIGGER photo_locked_delete;

    CREATE TABLE inspection_new (
        id                TEXT PRIMARY KEY NOT NULL,
        compound_id       TEXT REFERENCES compound(id) ON DELETE CASCADE,
        cluster_id        TEXT REFERENCES cluster(id) ON DELETE CASCADE,
        standard_id       TEXT NOT NULL,
        catalogue_version TEXT NOT NULL,
        inspected_on      TEXT NOT NULL,
        inspectors        TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        signed_off_at     TEXT,
        seal              TEXT,
        parent_id         TEXT REFERENCES inspection(id),
        round             INTEGER NOT NULL DEFAULT 1,
        kind              TEXT NOT NULL DEFAULT 'first'
                          CHECK (kind IN ('first', 'reinspection', 'correction')),
        reason            TEXT NOT NULL DEFAULT '',
        CHECK ((compound_id IS NULL) <> (cluster_id IS NULL))
    ) STRICT;
    INSERT INTO inspection_new (id, compound_id, standard_id, catalogue_version, inspected_on,
            inspectors, created_at, updated_at, signed_off_at, seal, parent_id, round, kind)
        SELECT id, compound_id, standard_id, catalogue_version, inspected_on, inspectors,
            created_at, updated_at, signed_off_at, seal, parent_id, round,
            CASE WHEN parent_id IS NULL THEN 'first' ELSE 'reinspection' END
        FROM inspection;
    DROP TABLE inspection;
    ALTER TABLE inspection_new RENAME TO inspection;
    CREATE INDEX inspection_compound ON inspection(compound_id);
    CREATE INDEX inspection_cluster ON inspection(cluster_id);
    CREATE INDEX inspection_seal ON inspection(seal);
    CREATE INDEX inspection_parent ON inspection(parent_id);

    CREATE TABLE inspection_member (
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        compound_id   TEXT NOT NULL,
        name          TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('none', 'in_progress', 'failed', 'accepted')),
        code          TEXT,
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

    CREATE TRIGGER photo_locked_insert BEFORE INSERT ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_update BEFORE UPDATE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_delete BEFORE DELETE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER member_locked_insert BEFORE INSERT ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER member_locked_update BEFORE UPDATE ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER member_locked_delete BEFORE DELETE ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    