-- backups and their proofs, DR drills and their steps; audit rows carry the arguments and the result
-- Every action that changes data is one audit row: who, when, what, with which arguments, and
-- how it ended.
ALTER TABLE audit_log ADD COLUMN args TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN result TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, at);

-- The backups this database knows of. The backup folders (manifest.json) are the truth: `nbaops
-- backup list` reads them and refreshes these rows, so a restored database learns of the
-- backups taken after its copy was made.
CREATE TABLE backups (
    id             TEXT PRIMARY KEY,              -- 20261201T223000Z
    folder         TEXT NOT NULL,                 -- absolute path of the backup's folder
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('manual', 'scheduled', 'pre-restore', 'drill')),
    tables         TEXT NOT NULL DEFAULT '',       -- '' every table; else the chosen ones
    bytes          INTEGER NOT NULL,
    files          INTEGER NOT NULL,
    seconds        REAL NOT NULL,
    newest_run_at  TEXT,                            -- the newest run the copy holds (for the RPO)
    verified_at    TEXT,
    verify_ok      INTEGER,
    verify_detail  TEXT,
    proven_at      TEXT,                            -- the last test-restore
    proven_ok      INTEGER,
    proven_seconds REAL,
    proven_detail  TEXT,
    pruned_at      TEXT                             -- deleted by the retention policy
);
CREATE INDEX backups_proven ON backups(proven_ok, proven_at);

-- DR drills: a scenario injected for real (in a sandbox copy or live), its runbook walked step by
-- step, RTO and RPO measured.
CREATE TABLE drills (
    id                  INTEGER PRIMARY KEY,
    scenario            TEXT NOT NULL,
    mode                TEXT NOT NULL CHECK (mode IN ('sandbox', 'live')),
    state               TEXT NOT NULL CHECK (state IN ('running', 'interrupted', 'passed', 'failed', 'ended')),
    actor               TEXT NOT NULL,
    started_at          TEXT NOT NULL,
    finished_at         TEXT,
    folder              TEXT NOT NULL,              -- the drill's folder: state.json, report.md, the sandbox
    backup_id           TEXT,
    test_date           TEXT,
    injected_at         TEXT,
    recovered_at        TEXT,
    rto_seconds         REAL,
    rto_target_seconds  REAL NOT NULL,
    rpo_rows            INTEGER,
    rpo_seconds         REAL,
    rpo_target_seconds  REAL NOT NULL,
    deviations          INTEGER NOT NULL DEFAULT 0,
    summary             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX drills_scenario ON drills(scenario, started_at);

CREATE TABLE drill_steps (
    drill_id    INTEGER NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    step_id     TEXT NOT NULL,
    title       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'deviation', 'skipped')),
    started_at  TEXT,
    seconds     REAL,
    command     TEXT NOT NULL DEFAULT '',
    output      TEXT NOT NULL DEFAULT '',
    check_text  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (drill_id, position)
);
