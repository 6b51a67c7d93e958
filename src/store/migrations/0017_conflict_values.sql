-- 17: what the other machine changed in a record deleted here, as values (a JSON object of
-- column to value), beside the words the conflict list shows: picking the other side brings
-- the record back from its deletion with those changes, as it would have stayed had the
-- packages come the other way round.
ALTER TABLE conflict ADD COLUMN theirs_values TEXT;

-- And each tombstone the entry of the change log that deleted its row (which holds the row's
-- last content), set when that change is logged; its trigger now replaces an older tombstone
-- of the same row, so the link is always to the latest deletion.
ALTER TABLE tombstone ADD COLUMN origin TEXT;
ALTER TABLE tombstone ADD COLUMN seq INTEGER;
