-- backfills with their plan and checkpoints; each run's process, for closing orphaned runs
-- The process that writes a run, so a `running` row whose process is gone is closed by the
-- next command that opens the database. process_start is the process's start time in clock
-- ticks since boot (/proc/PID/stat), so a reused process id is not taken for the run's.
ALTER TABLE processor_runs ADD COLUMN pid INTEGER;
ALTER TABLE processor_runs ADD COLUMN host TEXT;
ALTER TABLE processor_runs ADD COLUMN process_start INTEGER;
-- The backfill a run belongs to (its checkpoint is derived from it after a crash).
ALTER TABLE processor_runs ADD COLUMN backfill_id INTEGER;
CREATE INDEX processor_runs_by_backfill ON processor_runs(backfill_id, game_date, processor)
    WHERE backfill_id IS NOT NULL;

-- One backfill: what it was asked, its state and the process executing it.
CREATE TABLE backfills (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    source          TEXT NOT NULL,                 -- "range 2024-01-01..2024-01-31", "file dates.txt", "gaps"
    first_date      TEXT NOT NULL,
    last_date       TEXT NOT NULL,
    dates           INTEGER NOT NULL,
    items           INTEGER NOT NULL,              -- (date, processor) pairs planned
    workers         INTEGER NOT NULL,
    force           INTEGER NOT NULL DEFAULT 0,
    error_window    INTEGER NOT NULL DEFAULT 20,   -- pause when the last N runs ...
    error_threshold REAL NOT NULL DEFAULT 0.3,     -- ... failed for real more than this share
    state           TEXT NOT NULL CHECK (state IN ('running', 'paused', 'cancelled', 'done')),
    request         TEXT CHECK (request IN ('pause', 'cancel')), -- asked by another process
    revision        INTEGER NOT NULL DEFAULT 0,    -- raised when its dates are reordered
    reason          TEXT,                          -- why it paused, or how it ended
    pid             INTEGER,                       -- the process executing it, while running
    host            TEXT,
    process_start   INTEGER,
    heartbeat_at    TEXT,
    started_at      TEXT,
    finished_at     TEXT,
    run_seconds     REAL NOT NULL DEFAULT 0,       -- time spent executing, pauses excluded
    estimate_s      REAL,                          -- from the run history's P50 per processor
    estimate_low_s  REAL,                          -- P25
    estimate_high_s REAL                           -- P90
);
CREATE INDEX backfills_active ON backfills(state) WHERE state IN ('running', 'paused');

-- Its dates, in the order they are worked (position; a reorder moves dates to the front),
-- with the checks before and after each.
CREATE TABLE backfill_dates (
    backfill_id INTEGER NOT NULL REFERENCES backfills(id) ON DELETE CASCADE,
    game_date   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
    pre_check   TEXT,                              -- "ok" or what is missing
    post_check  TEXT,                              -- "ok" or the rows out of range / duplicated
    PRIMARY KEY (backfill_id, game_date)
) WITHOUT ROWID;

-- The checkpoint of each (date, processor): done once its run committed.
CREATE TABLE backfill_items (
    backfill_id INTEGER NOT NULL,
    game_date   TEXT NOT NULL,
    processor   TEXT NOT NULL,
    phase       INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed', 'skipped')),
    run_pk      INTEGER,
    category    TEXT,
    duration_ms INTEGER,
    PRIMARY KEY (backfill_id, game_date, processor),
    FOREIGN KEY (backfill_id, game_date) REFERENCES backfill_dates(backfill_id, game_date) ON DELETE CASCADE
) WITHOUT ROWID;
