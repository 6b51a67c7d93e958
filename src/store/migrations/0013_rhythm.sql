-- 13: the progress mechanism of 附件2 (日通报、周例会、月观摩、季考评), and the local rules the
-- policy's text leaves open, each with its source (policy_rule).
CREATE TABLE daily_report (
    id            TEXT PRIMARY KEY NOT NULL,
    report_date   TEXT NOT NULL,
    unit          TEXT NOT NULL,
    unit_kind     TEXT NOT NULL CHECK (unit_kind IN ('responsible', 'contractor', 'utility')),
    compound_id   TEXT REFERENCES compound(id) ON DELETE SET NULL,
    work_done     TEXT NOT NULL DEFAULT '',
    good_practice TEXT NOT NULL DEFAULT '',
    matters       TEXT NOT NULL DEFAULT '',
    resolved_on   TEXT,
    resolution    TEXT NOT NULL DEFAULT '',
    is_sample     INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX daily_report_by_date ON daily_report(report_date);

CREATE TABLE meeting (
    id         TEXT PRIMARY KEY NOT NULL,
    held_on    TEXT NOT NULL,
    units      TEXT NOT NULL DEFAULT '',
    progress   TEXT NOT NULL DEFAULT '',
    is_sample  INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE action_item (
    id         TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    closed_on  TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX action_item_of ON action_item(meeting_id);

CREATE TABLE observation_stop (
    id          TEXT PRIMARY KEY NOT NULL,
    month       TEXT NOT NULL,
    position    INTEGER NOT NULL CHECK (position >= 1),
    compound_id TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (month, compound_id)
) STRICT;

CREATE TABLE quarter_score (
    id         TEXT PRIMARY KEY NOT NULL,
    year       INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    quarter    INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    unit       TEXT NOT NULL,
    unit_kind  TEXT NOT NULL CHECK (unit_kind IN ('responsible', 'contractor', 'utility')),
    duties     INTEGER CHECK (duties IS NULL OR duties BETWEEN 0 AND 40),
    role       INTEGER CHECK (role IS NULL OR role BETWEEN 0 AND 30),
    results    INTEGER CHECK (results IS NULL OR results BETWEEN 0 AND 30),
    progress   INTEGER CHECK (progress IS NULL OR progress BETWEEN 0 AND 100),
    note       TEXT NOT NULL DEFAULT '',
    is_sample  INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (year, quarter, unit)
) STRICT;

CREATE TABLE policy_rule (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
