
    CREATE TABLE survey (
        id                   TEXT PRIMARY KEY NOT NULL,
        compound_id          TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
        round                INTEGER NOT NULL CHECK (round >= 1),
        surveyed_on          TEXT NOT NULL,
        surveyors            TEXT NOT NULL DEFAULT '',
        catalogue_version    TEXT NOT NULL,
        floors               INTEGER CHECK (floors >= 0),
        floor_area           REAL CHECK (floor_area >= 0),
        management_mode      TEXT,
        structural_safety    TEXT,
        demolition_suitable  INTEGER,
        households_in_favour INTEGER CHECK (households_in_favour >= 0),
        willingness_method   TEXT NOT NULL DEFAULT '',
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL,
        UNIQUE (compound_id, round)
    ) STRICT;

    CREATE TABLE survey_item (
        survey_id     TEXT NOT NULL REFERENCES survey(id) ON DELETE CASCADE,
        code          TEXT NOT NULL,
        position      INTEGER NOT NULL,
        condition     TEXT CHECK (condition IN ('good', 'renovate', 'missing', 'none')),
        problems      TEXT NOT NULL DEFAULT '',
        other_problem TEXT NOT NULL DEFAULT '',
        note          TEXT NOT NULL DEFAULT '',
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (survey_id, code)
    ) STRICT;

    CREATE TABLE cluster_survey (
        id          TEXT PRIMARY KEY NOT NULL,
        cluster_id  TEXT NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
        surveyed_on TEXT NOT NULL,
        surveyors   TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX cluster_survey_cluster ON cluster_survey(cluster_id);

    CREATE TABLE cluster_facility (
        survey_id       TEXT NOT NULL REFERENCES cluster_survey(id) ON DELETE CASCADE,
        code            TEXT NOT NULL,
        position        INTEGER NOT NULL,
        kind            TEXT NOT NULL,
        present         INTEGER,
        name            TEXT NOT NULL DEFAULT '',
        walking_minutes INTEGER CHECK (walking_minutes >= 0),
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (survey_id, code)
    ) STRICT;

    CREATE INDEX compound_name ON compound(name);
    