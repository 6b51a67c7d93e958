-- 19: a quarter's scores on the county's own weights. Each part was held to Luoning's reading
-- of 附件2 三、（四）(40 / 30 / 30, 工程进度 100); a county's pack sets its own (`[rhythm]
-- score`), checked when a score is saved, so here each part is only held to 0–100. The table is
-- made again with the looser checks (SQLite cannot change a CHECK in place); its rows, ids and
-- uniqueness are unchanged. Dropping the old table drops its tombstone trigger first (so the
-- rows it drops leave no tombstones); the trigger is made again after.
CREATE TABLE quarter_score_19 (
    id         TEXT PRIMARY KEY NOT NULL,
    year       INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    quarter    INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    unit       TEXT NOT NULL,
    unit_kind  TEXT NOT NULL CHECK (unit_kind IN ('responsible', 'contractor', 'utility')),
    duties     INTEGER CHECK (duties IS NULL OR duties BETWEEN 0 AND 100),
    role       INTEGER CHECK (role IS NULL OR role BETWEEN 0 AND 100),
    results    INTEGER CHECK (results IS NULL OR results BETWEEN 0 AND 100),
    progress   INTEGER CHECK (progress IS NULL OR progress BETWEEN 0 AND 100),
    note       TEXT NOT NULL DEFAULT '',
    is_sample  INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (year, quarter, unit)
) STRICT;
INSERT INTO quarter_score_19 (id, year, quarter, unit, unit_kind, duties, role, results, progress,
                              note, is_sample, created_at, updated_at)
SELECT id, year, quarter, unit, unit_kind, duties, role, results, progress, note, is_sample,
       created_at, updated_at
FROM quarter_score;
DROP TABLE quarter_score;
ALTER TABLE quarter_score_19 RENAME TO quarter_score;
