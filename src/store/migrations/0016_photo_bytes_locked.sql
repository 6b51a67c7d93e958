CREATE TRIGGER photo_locked_update BEFORE UPDATE ON photo
WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
  OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
