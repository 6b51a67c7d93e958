-- 14: every table a signed record owns is locked for INSERT, UPDATE and DELETE once the
-- record is signed (or the sign-off log names it). Items could be added to a signed record and
-- its participating units changed at will: the seal caught it afterwards, but the file let it in.
CREATE TRIGGER inspection_item_locked_insert BEFORE INSERT ON inspection_item
WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
  OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
CREATE TRIGGER inspection_item_locked_delete BEFORE DELETE ON inspection_item
WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
  OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
CREATE TRIGGER inspection_party_locked_insert BEFORE INSERT ON inspection_party
WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
  OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
CREATE TRIGGER inspection_party_locked_update BEFORE UPDATE ON inspection_party
WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
  OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
CREATE TRIGGER inspection_party_locked_delete BEFORE DELETE ON inspection_party
WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
  OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
