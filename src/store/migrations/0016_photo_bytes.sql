-- Photos stored by their content: a picture's bytes once per file, keyed by their SHA-256,
-- whatever photo rows (on any item, from any laptop) show it. A photo row keeps its name,
-- thumbnail and hash; its `jpeg` is empty once its bytes are here. The column stays so that
-- rows from older programs' packages, which carry their bytes, still apply: their bytes are
-- moved here as they arrive. A row whose bytes do not match its hash keeps them (the seal
-- check reports it as it did).
CREATE TABLE photo_bytes (
    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    jpeg   BLOB NOT NULL CHECK (length(jpeg) > 0)
) STRICT;

-- The photos that show a picture, found by its hash (a package's pictures checked, a
-- picture freed when no photo shows it any more).
CREATE INDEX photo_sha256 ON photo(sha256);

-- The move empties the `jpeg` of signed rounds' photos too: their pictures are unchanged
-- (read from here, byte for byte what the seal covers), so the lock is lifted for it alone.
DROP TRIGGER photo_locked_update;
