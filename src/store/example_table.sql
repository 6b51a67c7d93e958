-- A travelling table that exists only in the crate's own tests (store/example_table.rs): a
-- compound's field notes, made the way a real travelling table is made.
CREATE TABLE field_note (
    id          TEXT PRIMARY KEY NOT NULL,
    compound_id TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX field_note_of ON field_note(compound_id);
