-- 20: each acceptance round and each survey records the version of the county's policy pack
-- it was made under (a revised pack does not change what an older record was made under).
-- Records made before keep '': they were made under the pack that holds their catalogue.
-- The column comes last, so a package from an older program (without it) still applies: its
-- rows take the default.
ALTER TABLE inspection ADD COLUMN pack_version TEXT NOT NULL DEFAULT '';
ALTER TABLE survey ADD COLUMN pack_version TEXT NOT NULL DEFAULT '';
