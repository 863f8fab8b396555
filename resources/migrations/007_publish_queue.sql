-- documents queued for publishing at the end of a multi-date run; covering index for fingerprints
-- Documents published by a run over many dates, written to files once at the end of the run
-- (only each path's latest version). Committed with the run that published them; a crash
-- before the files were written leaves them here for the next session to write.
-- The orchestrator's input fingerprint reads max(run_pk) per upstream processor up to a date:
-- with run_pk in the index that is a scan of the index alone.
DROP INDEX processor_latest_by_processor;
CREATE INDEX processor_latest_by_processor ON processor_latest(processor, game_date, run_pk);

CREATE TABLE publish_queue (
    path         TEXT PRIMARY KEY,              -- relative to the data folder
    kind         TEXT NOT NULL,
    game_date    TEXT NOT NULL,
    player_id    INTEGER,
    body         BLOB NOT NULL,
    sha256       TEXT NOT NULL,
    queued_at    TEXT NOT NULL,
    run_id       TEXT NOT NULL
);
