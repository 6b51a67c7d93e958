-- 12: the rows this file has deleted (its own deletions, and those it took from others), so a
-- change arriving for a row it never had is told apart from one it deleted. The triggers are
-- made from the travelling tables' keys when this migration runs (store/tombstones.rs).
CREATE TABLE tombstone (
    table_name TEXT NOT NULL,
    row_key    TEXT NOT NULL,
    PRIMARY KEY (table_name, row_key)
) STRICT;
