-- model searches: every fit of a budgeted parameter search, judged by walk-forward
-- A budgeted search (nbaops train --budget): successive halving over walk-forward months that
-- end before the final test window. Each configuration is drawn from the search's seed and its
-- number, so a resumed search draws the same ones.
CREATE TABLE model_searches (
    id              TEXT PRIMARY KEY,          -- s0001, s0002, ...
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'budget_spent', 'finished', 'cancelled', 'failed')),
    seed            INTEGER NOT NULL,
    reduction       INTEGER NOT NULL,          -- keep the best 1/reduction of each rung
    base_params     TEXT NOT NULL,             -- JSON: the first configuration and what the others keep
    months          TEXT NOT NULL,             -- JSON array: the walk-forward months, in promotion order
    rung_folds      TEXT NOT NULL,             -- JSON array: months evaluated at each rung
    feature_version INTEGER NOT NULL,
    test_from       TEXT NOT NULL,             -- the final test window, never read by the search
    budget_seconds  REAL NOT NULL,             -- over every session of the search
    spent_seconds   REAL NOT NULL DEFAULT 0,
    best_config     INTEGER,
    best_mae        REAL,
    model_version   TEXT                       -- the version trained with the best configuration
);

CREATE TABLE model_search_fits (
    search_id     TEXT NOT NULL REFERENCES model_searches(id),
    config        INTEGER NOT NULL,            -- 0 is the base parameters
    month         TEXT NOT NULL,               -- YYYY-MM, the fold's test month
    rung          INTEGER NOT NULL,            -- the rung the fit was run for
    params        TEXT NOT NULL,               -- JSON, as given to XGBoost
    mae           REAL NOT NULL,               -- on the month's evaluation rows
    baseline_mae  REAL NOT NULL,               -- the best baseline on the same rows
    valid_mae     REAL NOT NULL,               -- early stopping's, on the dates before the month
    trees         INTEGER NOT NULL,
    seconds       REAL NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (search_id, config, month)
); -- the rowid keeps the order the fits ran in
