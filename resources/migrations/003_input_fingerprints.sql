-- input fingerprints and skipped runs in the run history
ALTER TABLE processor_runs ADD COLUMN input_fingerprint TEXT;
ALTER TABLE processor_runs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
CREATE INDEX processor_latest_by_processor ON processor_latest(processor, game_date);
