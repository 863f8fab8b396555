-- imports of history files and their quarantined rows
-- Files imported (nbaops import): one row per import, by content (an identical file again is
-- not imported twice).
CREATE TABLE imports (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL,          -- boxscores
    file               TEXT NOT NULL,
    sha256             TEXT NOT NULL,
    rows               INTEGER NOT NULL,
    loaded             INTEGER NOT NULL,
    quarantined        INTEGER NOT NULL,
    first_date         TEXT,
    last_date          TEXT,
    started_at         TEXT NOT NULL,
    finished_at        TEXT,
    status             TEXT NOT NULL CHECK (status IN ('loading', 'done', 'analytics_failed')),
    analytics_failures INTEGER NOT NULL DEFAULT 0,
    run_id             TEXT NOT NULL
);
CREATE INDEX imports_by_sha ON imports(sha256, status);

-- Rows an import could not load: where they are, why, and the row as read.
CREATE TABLE import_quarantine (
    id             INTEGER PRIMARY KEY,
    import_id      INTEGER NOT NULL REFERENCES imports(id),
    file           TEXT NOT NULL,
    line           INTEGER NOT NULL,
    column_name    TEXT,
    reason         TEXT NOT NULL,
    raw            TEXT NOT NULL,
    quarantined_at TEXT NOT NULL
);
CREATE INDEX import_quarantine_by_import ON import_quarantine(import_id);
