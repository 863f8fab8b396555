-- model evaluations: walk-forward runs and feature ablations, kept for the Models page
-- What `nbaops train --walk-forward` / `--ablation` (or the Models page's buttons) measured:
-- nothing is registered as a model, but the figures are kept to be looked at and compared.
CREATE TABLE model_evaluations (
    id              TEXT PRIMARY KEY,          -- e0001, e0002, ...
    kind            TEXT NOT NULL CHECK (kind IN ('walk_forward', 'ablation')),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    params          TEXT NOT NULL,             -- JSON, as given to XGBoost
    feature_version INTEGER NOT NULL,
    seconds         REAL NOT NULL,
    result          TEXT NOT NULL              -- JSON: WalkForward or Ablation
);
CREATE INDEX model_evaluations_by_kind ON model_evaluations(kind, created_at);
