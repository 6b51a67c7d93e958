-- 15: each file's device key (an Ed25519 key pair, made in code on the first writable open
-- after this step: SQL cannot derive a public key), the keys of the machines this file has
-- exchanged packages with (learned from their first package, an enrolment file, or a signed
-- record passed on by another machine), and who signed each format-3 seal with which key.
ALTER TABLE device ADD COLUMN public_key TEXT;
ALTER TABLE device ADD COLUMN secret_key BLOB;
-- A file that took over a laptop's identity (a key file) numbers its changes after the
-- laptop's last one.
ALTER TABLE device ADD COLUMN seq_floor INTEGER NOT NULL DEFAULT 0;

CREATE TABLE known_device (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    public_key   TEXT NOT NULL CHECK (length(public_key) = 64),
    learned_from TEXT NOT NULL CHECK (learned_from IN ('package', 'enrolment', 'relayed')),
    learned_at   TEXT NOT NULL
) STRICT;

ALTER TABLE inspection ADD COLUMN sealed_by TEXT;
ALTER TABLE inspection ADD COLUMN seal_key TEXT;
ALTER TABLE inspection ADD COLUMN seal_signature TEXT;
