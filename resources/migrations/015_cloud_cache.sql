-- Cloud mode's cache: runs synced from BigQuery's processor_run_history keyed so a page read twice changes nothing, and the sync's high-water mark.
ALTER TABLE processor_runs ADD COLUMN cloud_key TEXT;
CREATE UNIQUE INDEX processor_runs_cloud_key ON processor_runs(cloud_key) WHERE cloud_key IS NOT NULL;

CREATE TABLE cloud_sync (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    project         TEXT NOT NULL,
    high_water_at   TEXT,              -- started_at of the newest run synced
    high_water_id   TEXT,              -- and its run_id: (started_at, run_id) orders the history
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error      TEXT,
    rows_total      INTEGER NOT NULL DEFAULT 0,
    last_rows       INTEGER,
    last_seconds    REAL,
    last_bytes      INTEGER
);
