-- 11: money for the renovation (五、资金筹措), per compound or per cluster, in fen.
CREATE TABLE funding (
    id                TEXT PRIMARY KEY NOT NULL,
    compound_id       TEXT REFERENCES compound(id) ON DELETE CASCADE,
    cluster_id        TEXT REFERENCES cluster(id) ON DELETE CASCADE,
    year              INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    source            TEXT NOT NULL,
    project           TEXT NOT NULL DEFAULT '',
    red_line          TEXT CHECK (red_line IS NULL OR red_line IN ('inside', 'outside')),
    amount_fen        INTEGER NOT NULL CHECK (amount_fen >= 0),
    project_total_fen INTEGER CHECK (project_total_fen IS NULL OR project_total_fen >= 0),
    works             TEXT NOT NULL DEFAULT '',
    tied              INTEGER NOT NULL DEFAULT 1,
    note              TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((compound_id IS NULL) <> (cluster_id IS NULL))
) STRICT;
CREATE INDEX funding_of_compound ON funding(compound_id);
CREATE INDEX funding_of_cluster ON funding(cluster_id);
