-- 10: each compound's way from plan to hand-over (四、实施步骤): its recorded steps with
-- their evidence, property-service evaluations, and the programme's targets as data
-- (二、（二）), versioned like the catalogue.
CREATE TABLE programme_step (
    compound_id TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
    step        TEXT NOT NULL,
    done_on     TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    count       INTEGER CHECK (count IS NULL OR count >= 0),
    note        TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (compound_id, step)
) STRICT;

CREATE TABLE step_evidence (
    id          TEXT PRIMARY KEY NOT NULL,
    compound_id TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
    step        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    added_at    TEXT NOT NULL
) STRICT;
CREATE INDEX step_evidence_of ON step_evidence(compound_id, step);

CREATE TABLE service_evaluation (
    id           TEXT PRIMARY KEY NOT NULL,
    compound_id  TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
    evaluated_on TEXT NOT NULL,
    unit         TEXT NOT NULL DEFAULT '',
    score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE target (
    id          TEXT PRIMARY KEY NOT NULL,
    version     TEXT NOT NULL,
    year        INTEGER,
    first_year  INTEGER,
    last_year   INTEGER,
    compounds   INTEGER NOT NULL CHECK (compounds >= 0),
    households  INTEGER NOT NULL CHECK (households >= 0),
    clusters    INTEGER CHECK (clusters IS NULL OR clusters >= 0),
    source      TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
INSERT INTO target (id, version, year, first_year, last_year, compounds, households, clusters,
                    source, created_at)
VALUES
    ('ningzhengban-2021-17/all', '宁政办〔2021〕17号', NULL, 2019, 2023, 83, 4347, 9, '二、（二）',
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('ningzhengban-2021-17/2021', '宁政办〔2021〕17号', 2021, NULL, NULL, 21, 863, 3, '二、（二）',
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('ningzhengban-2021-17/2022', '宁政办〔2021〕17号', 2022, NULL, NULL, 10, 306, 3, '二、（二）',
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('ningzhengban-2021-17/2023', '宁政办〔2021〕17号', 2023, NULL, NULL, 9, 257, 3, '二、（二）',
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
