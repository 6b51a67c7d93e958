
    CREATE TABLE town (
        id          TEXT PRIMARY KEY NOT NULL,
        name        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE cluster (
        id          TEXT PRIMARY KEY NOT NULL,
        name        TEXT NOT NULL,
        town_id     TEXT REFERENCES town(id),
        plan_year   INTEGER,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE compound (
        id          TEXT PRIMARY KEY NOT NULL,
        name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
        address     TEXT NOT NULL DEFAULT '',
        town_id     TEXT REFERENCES town(id),
        owner_unit  TEXT NOT NULL DEFAULT '',
        year_built  INTEGER,
        buildings   INTEGER CHECK (buildings >= 0),
        households  INTEGER CHECK (households >= 0),
        cluster_id  TEXT REFERENCES cluster(id) ON DELETE SET NULL,
        is_sample   INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX compound_town ON compound(town_id);
    CREATE INDEX compound_cluster ON compound(cluster_id);

    CREATE TABLE inspection (
        id                TEXT PRIMARY KEY NOT NULL,
        compound_id       TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
        standard_id       TEXT NOT NULL,
        catalogue_version TEXT NOT NULL,
        inspected_on      TEXT NOT NULL,
        inspectors        TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
    ) STRICT;
    CREATE INDEX inspection_compound ON inspection(compound_id);

    -- The standard item is copied in when the inspection starts, so the inspection keeps
    -- showing the text it was filled in with.
    CREATE TABLE inspection_item (
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        code          TEXT NOT NULL,
        standard_id   TEXT NOT NULL,
        group_name    TEXT NOT NULL,
        standard_text TEXT NOT NULL,
        hint          TEXT NOT NULL,
        clause        TEXT NOT NULL,
        required      INTEGER NOT NULL,
        result        TEXT CHECK (result IN ('pass', 'fail', 'na')),
        remark        TEXT NOT NULL DEFAULT '',
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (inspection_id, code)
    ) STRICT;

    CREATE TABLE inspection_party (
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        unit          TEXT NOT NULL,
        PRIMARY KEY (inspection_id, position)
    ) STRICT;
    