-- The policy pack a file works under: its county, its plan, and the pack's files as they were
-- loaded (a JSON object of file name to text). A revised pack is a new row with a new version
-- and the next revision of its county; the highest revision is in force (whatever order the
-- rows arrived in), and the older ones stay for the records made under them. No column says
-- when it was added: the same pack is the same row in every file.
CREATE TABLE policy_pack (
    version     TEXT PRIMARY KEY,
    county_code TEXT NOT NULL CHECK (length(county_code) = 6),
    county_name TEXT NOT NULL,
    plan_number TEXT NOT NULL,
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    files       TEXT NOT NULL
);
