
    CREATE TABLE device (
        only        INTEGER PRIMARY KEY CHECK (only = 1),
        id          TEXT NOT NULL,
        name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role        TEXT NOT NULL CHECK (role IN ('office', 'field')),
        host        TEXT NOT NULL DEFAULT '',
        had_records INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE change_log (
        origin        TEXT NOT NULL,
        seq           INTEGER NOT NULL CHECK (seq >= 1),
        kind          TEXT NOT NULL
                      CHECK (kind IN ('edit', 'snapshot', 'resolution', 'signed')),
        made_at       TEXT NOT NULL,
        author        TEXT NOT NULL,
        changeset     BLOB NOT NULL,
        source_origin TEXT,
        source_seq    INTEGER,
        adjusted      INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (origin, seq)
    ) STRICT;

    CREATE TABLE peer (
        id            TEXT PRIMARY KEY NOT NULL,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL,
        applied_up_to INTEGER NOT NULL DEFAULT 0,
        sent_up_to    INTEGER NOT NULL DEFAULT 0,
        snapshot_sent INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE package_log (
        id         TEXT PRIMARY KEY NOT NULL,
        direction  TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
        peer_id    TEXT NOT NULL,
        peer_name  TEXT NOT NULL,
        at         TEXT NOT NULL,
        file_name  TEXT NOT NULL,
        first_seq  INTEGER,
        last_seq   INTEGER,
        snapshot   INTEGER NOT NULL DEFAULT 0,
        counts     TEXT NOT NULL,
        applied    INTEGER NOT NULL DEFAULT 0,
        skipped    INTEGER NOT NULL DEFAULT 0,
        conflicts  INTEGER NOT NULL DEFAULT 0,
        note       TEXT NOT NULL DEFAULT ''
    ) STRICT;

    CREATE TABLE conflict (
        id          TEXT PRIMARY KEY NOT NULL,
        table_name  TEXT NOT NULL,
        row_key     TEXT NOT NULL,
        compound_id TEXT,
        record      TEXT NOT NULL,
        column_name TEXT NOT NULL,
        ours        ANY,
        theirs      ANY,
        origin      TEXT NOT NULL,
        origin_name TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        their_time  TEXT NOT NULL,
        package_id  TEXT,
        detected_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution  TEXT CHECK (resolution IN ('ours', 'theirs')),
        resolved_by TEXT,
        only_ours   INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX conflict_open ON conflict(resolved_at, compound_id);

    CREATE TABLE resolution_stamp (
        table_name  TEXT NOT NULL,
        row_key     TEXT NOT NULL,
        column_name TEXT NOT NULL,
        stamp       TEXT NOT NULL,
        PRIMARY KEY (table_name, row_key, column_name)
    ) STRICT;

    CREATE TABLE duplicate (
        id          TEXT PRIMARY KEY NOT NULL,
        kept        TEXT NOT NULL,
        other       TEXT NOT NULL,
        package_id  TEXT,
        detected_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution  TEXT CHECK (resolution IN ('merged', 'both')),
        resolved_by TEXT
    ) STRICT;
    