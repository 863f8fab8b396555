-- pregame availability features; model registry, aliases, rollout; audit log
-- Pregame availability features (feature version 2).
ALTER TABLE ml_feature_store ADD COLUMN f_starter REAL;
ALTER TABLE ml_feature_store ADD COLUMN f_teammates_out REAL;
ALTER TABLE ml_feature_store ADD COLUMN f_teammates_out_min REAL;
ALTER TABLE ml_feature_store ADD COLUMN f_teammates_out_pts REAL;
ALTER TABLE ml_feature_store ADD COLUMN f_opp_out_pts REAL;

-- Trained points models. The booster is a UBJSON file in the data folder; its SHA-256 is
-- checked every time it is loaded.
CREATE TABLE model_versions (
    version         TEXT PRIMARY KEY,          -- m0001, m0002, ...
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    objective       TEXT NOT NULL,
    params          TEXT NOT NULL,             -- JSON object, as given to XGBoost
    feature_version INTEGER NOT NULL,
    features        TEXT NOT NULL,             -- JSON array, the model's column order
    train_from      TEXT NOT NULL,
    train_until     TEXT NOT NULL,             -- last training date
    valid_until     TEXT NOT NULL,             -- validation: after train_until up to this date
    test_from       TEXT NOT NULL,
    test_until      TEXT NOT NULL,
    train_rows      INTEGER NOT NULL,
    valid_rows      INTEGER NOT NULL,
    test_rows       INTEGER NOT NULL,
    best_iteration  INTEGER NOT NULL,          -- 0-based; prediction uses trees 0..best_iteration
    trees           INTEGER NOT NULL,          -- trees kept (best_iteration + 1)
    train_seconds   REAL NOT NULL,
    valid_mae       REAL NOT NULL,
    test_mae        REAL NOT NULL,
    report          TEXT NOT NULL,             -- the evaluation report, JSON
    artifact        TEXT NOT NULL,             -- path relative to the data folder
    sha256          TEXT NOT NULL,
    warnings        TEXT                       -- JSON array
);

-- champion: serves predictions; challenger: the candidate in an A/B split or canary rollout.
CREATE TABLE model_aliases (
    alias   TEXT PRIMARY KEY CHECK (alias IN ('champion', 'challenger')),
    version TEXT NOT NULL REFERENCES model_versions(version),
    set_at  TEXT NOT NULL,
    set_by  TEXT NOT NULL
);

-- The challenger's share of games: an A/B split or a canary stage (10, 50, 100 percent).
CREATE TABLE model_rollout (
    id          INTEGER PRIMARY KEY,
    challenger  TEXT NOT NULL REFERENCES model_versions(version),
    champion    TEXT REFERENCES model_versions(version),
    mode        TEXT NOT NULL CHECK (mode IN ('ab', 'canary')),
    share       REAL NOT NULL,                 -- fraction of games, by a stable hash of the game id
    stage       INTEGER NOT NULL DEFAULT 0,
    threshold   REAL NOT NULL,                 -- roll back when challenger MAE > threshold x champion MAE
    grades_from INTEGER NOT NULL DEFAULT 0,    -- the stage is judged on prediction_grades rows after this rowid
    stage_rows  INTEGER NOT NULL DEFAULT 300,  -- ... once each model has this many graded player-games
    status      TEXT NOT NULL CHECK (status IN ('active', 'completed', 'rolled_back', 'stopped')),
    started_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    note        TEXT
);

-- Operator actions that change data or what serves: who, when, what.
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
