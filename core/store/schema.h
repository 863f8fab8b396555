#pragma once

// The SQL of each numbered migration. A migration, once released, is never edited: changes
// go into a new one.
namespace nbaops::store::schema {

inline constexpr const char* kV1 = R"sql(
CREATE TABLE raw_payloads (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,          -- relative to the data folder
    source      TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    game_date   TEXT NOT NULL,
    name        TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'rejected')),
    http_status INTEGER,
    reason      TEXT,                          -- why a rejected payload was rejected
    run_id      TEXT
);
CREATE INDEX raw_payloads_by_date ON raw_payloads(source, endpoint, game_date, status);

CREATE TABLE raw_nbac_schedule (
    game_id          TEXT PRIMARY KEY,
    game_date        TEXT NOT NULL,
    season           TEXT NOT NULL,
    game_sequence    INTEGER,
    game_status      INTEGER NOT NULL,         -- 1 scheduled, 2 in progress, 3 final
    game_status_text TEXT,
    gamecode         TEXT,
    home_team_id     INTEGER NOT NULL,
    visitor_team_id  INTEGER NOT NULL,
    home_team_abbr   TEXT,
    visitor_team_abbr TEXT,
    home_pts         INTEGER,
    visitor_pts      INTEGER,
    arena            TEXT,
    payload_id       INTEGER REFERENCES raw_payloads(id),
    run_id           TEXT NOT NULL,
    loaded_at        TEXT NOT NULL
);
CREATE INDEX raw_nbac_schedule_by_date ON raw_nbac_schedule(game_date);

CREATE TABLE raw_nbac_player_boxscores (
    game_id        TEXT NOT NULL,
    player_id      INTEGER NOT NULL,
    game_date      TEXT NOT NULL,
    team_id        INTEGER NOT NULL,
    team_abbr      TEXT NOT NULL,
    team_city      TEXT,
    player_name    TEXT NOT NULL,
    nickname       TEXT,
    start_position TEXT,
    comment        TEXT,
    minutes        TEXT,                       -- as served: "MM:SS", NULL when not played
    fgm INTEGER, fga INTEGER, fg_pct REAL, fg3m INTEGER, fg3a INTEGER, fg3_pct REAL,
    ftm INTEGER, fta INTEGER, ft_pct REAL, oreb INTEGER, dreb INTEGER, reb INTEGER,
    ast INTEGER, stl INTEGER, blk INTEGER, tov INTEGER, pf INTEGER, pts INTEGER,
    plus_minus REAL,
    payload_id     INTEGER REFERENCES raw_payloads(id),
    run_id         TEXT NOT NULL,
    loaded_at      TEXT NOT NULL,
    PRIMARY KEY (game_id, player_id)
);
CREATE INDEX raw_nbac_player_boxscores_by_date ON raw_nbac_player_boxscores(game_date);

CREATE TABLE player_game_summary (
    game_id          TEXT NOT NULL,
    player_id        INTEGER NOT NULL,
    game_date        TEXT NOT NULL,
    season           TEXT NOT NULL,
    player_name      TEXT NOT NULL,
    team_id          INTEGER NOT NULL,
    team_abbr        TEXT NOT NULL,
    opponent_team_id INTEGER NOT NULL,
    opponent_abbr    TEXT NOT NULL,
    home             INTEGER NOT NULL,
    starter          INTEGER NOT NULL,
    played           INTEGER NOT NULL,
    dnp_reason       TEXT,
    minutes          REAL NOT NULL,            -- decimal minutes, 0 when not played
    fgm INTEGER NOT NULL, fga INTEGER NOT NULL, fg3m INTEGER NOT NULL, fg3a INTEGER NOT NULL,
    ftm INTEGER NOT NULL, fta INTEGER NOT NULL, oreb INTEGER NOT NULL, dreb INTEGER NOT NULL,
    reb INTEGER NOT NULL, ast INTEGER NOT NULL, stl INTEGER NOT NULL, blk INTEGER NOT NULL,
    tov INTEGER NOT NULL, pf INTEGER NOT NULL, pts INTEGER NOT NULL, plus_minus REAL,
    ts_pct           REAL,                     -- PTS / (2 (FGA + 0.44 FTA)); NULL without attempts
    usage_rate       REAL,                     -- share of team possessions used while on court
    pts_per36        REAL,                     -- NULL when not played
    team_pts INTEGER NOT NULL, team_fga INTEGER NOT NULL, team_fta INTEGER NOT NULL,
    team_tov INTEGER NOT NULL, team_minutes REAL NOT NULL,
    opp_pts INTEGER NOT NULL, opp_fga INTEGER NOT NULL, opp_fta INTEGER NOT NULL,
    opp_tov INTEGER NOT NULL,
    source           TEXT NOT NULL,
    run_id           TEXT NOT NULL,
    processed_at     TEXT NOT NULL,
    PRIMARY KEY (game_id, player_id)
);
CREATE INDEX player_game_summary_by_date ON player_game_summary(game_date);
CREATE INDEX player_game_summary_by_player ON player_game_summary(player_id, game_date);

-- Latest write per data table, kept by the writers in the same transaction (freshness checks).
CREATE TABLE table_freshness (
    table_name       TEXT PRIMARY KEY,
    latest_game_date TEXT,
    last_write_at    TEXT NOT NULL,
    last_rows        INTEGER NOT NULL
);

CREATE TABLE processor_runs (
    id               INTEGER PRIMARY KEY,
    run_id           TEXT NOT NULL,            -- correlation id shared by one invocation
    processor        TEXT NOT NULL,
    phase            INTEGER NOT NULL CHECK (phase BETWEEN 1 AND 6),
    game_date        TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    heartbeat_at     TEXT,
    duration_ms      INTEGER,
    status           TEXT NOT NULL CHECK (status IN ('running', 'success', 'no_data', 'failed')),
    failure_category TEXT CHECK (failure_category IN ('success', 'no_data_available',
                       'dependency_missing', 'validation_failed', 'timeout', 'error')),
    records_in       INTEGER,
    records_out      INTEGER,
    attempt          INTEGER NOT NULL DEFAULT 1,
    error            TEXT,
    source           TEXT
);
CREATE INDEX processor_runs_by_date ON processor_runs(game_date, processor);
CREATE INDEX processor_runs_real_failures ON processor_runs(game_date)
    WHERE failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error');
CREATE INDEX processor_runs_running ON processor_runs(status) WHERE status = 'running';

-- Summaries kept by triggers, so the morning check reads a few indexed rows, not the history.
CREATE TABLE run_daily_summary (
    game_date        TEXT NOT NULL,
    processor        TEXT NOT NULL,
    failure_category TEXT NOT NULL,
    phase            INTEGER NOT NULL,
    runs             INTEGER NOT NULL,
    records_out      INTEGER NOT NULL,
    duration_ms      INTEGER NOT NULL,
    last_finished_at TEXT,
    PRIMARY KEY (game_date, processor, failure_category)
) WITHOUT ROWID;

CREATE TABLE processor_latest (
    processor TEXT NOT NULL,
    game_date TEXT NOT NULL,
    run_pk    INTEGER NOT NULL,
    PRIMARY KEY (game_date, processor)
) WITHOUT ROWID;

CREATE TABLE processor_last_success (
    processor   TEXT PRIMARY KEY,
    game_date   TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    run_pk      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER processor_runs_latest AFTER INSERT ON processor_runs BEGIN
    INSERT INTO processor_latest(processor, game_date, run_pk)
        VALUES (NEW.processor, NEW.game_date, NEW.id)
        ON CONFLICT(game_date, processor) DO UPDATE SET run_pk = excluded.run_pk
        WHERE excluded.run_pk > processor_latest.run_pk;
END;

CREATE TRIGGER processor_runs_inserted_final AFTER INSERT ON processor_runs
WHEN NEW.failure_category IS NOT NULL BEGIN
    INSERT INTO run_daily_summary VALUES (NEW.game_date, NEW.processor, NEW.failure_category,
        NEW.phase, 1, COALESCE(NEW.records_out, 0), COALESCE(NEW.duration_ms, 0), NEW.finished_at)
        ON CONFLICT(game_date, processor, failure_category) DO UPDATE SET
            runs = runs + 1, records_out = records_out + excluded.records_out,
            duration_ms = duration_ms + excluded.duration_ms,
            last_finished_at = max(COALESCE(last_finished_at, ''), excluded.last_finished_at);
    INSERT INTO processor_last_success(processor, game_date, finished_at, run_pk)
        SELECT NEW.processor, NEW.game_date, NEW.finished_at, NEW.id
        WHERE NEW.failure_category = 'success'
        ON CONFLICT(processor) DO UPDATE SET game_date = excluded.game_date,
            finished_at = excluded.finished_at, run_pk = excluded.run_pk
        WHERE excluded.finished_at >= processor_last_success.finished_at;
END;

CREATE TRIGGER processor_runs_finished AFTER UPDATE OF failure_category ON processor_runs
WHEN OLD.failure_category IS NULL AND NEW.failure_category IS NOT NULL BEGIN
    INSERT INTO run_daily_summary VALUES (NEW.game_date, NEW.processor, NEW.failure_category,
        NEW.phase, 1, COALESCE(NEW.records_out, 0), COALESCE(NEW.duration_ms, 0), NEW.finished_at)
        ON CONFLICT(game_date, processor, failure_category) DO UPDATE SET
            runs = runs + 1, records_out = records_out + excluded.records_out,
            duration_ms = duration_ms + excluded.duration_ms,
            last_finished_at = max(COALESCE(last_finished_at, ''), excluded.last_finished_at);
    INSERT INTO processor_last_success(processor, game_date, finished_at, run_pk)
        SELECT NEW.processor, NEW.game_date, NEW.finished_at, NEW.id
        WHERE NEW.failure_category = 'success'
        ON CONFLICT(processor) DO UPDATE SET game_date = excluded.game_date,
            finished_at = excluded.finished_at, run_pk = excluded.run_pk
        WHERE excluded.finished_at >= processor_last_success.finished_at;
END;
)sql";

inline constexpr const char* kV2 = R"sql(
CREATE TABLE team_offense_game_summary (
    game_id          TEXT NOT NULL,
    team_id          INTEGER NOT NULL,
    game_date        TEXT NOT NULL,
    season           TEXT NOT NULL,
    team_abbr        TEXT NOT NULL,
    opponent_team_id INTEGER NOT NULL,
    opponent_abbr    TEXT NOT NULL,
    home             INTEGER NOT NULL,
    win              INTEGER NOT NULL,
    pts INTEGER NOT NULL, opp_pts INTEGER NOT NULL, margin INTEGER NOT NULL,
    fgm INTEGER NOT NULL, fga INTEGER NOT NULL, fg3m INTEGER NOT NULL, fg3a INTEGER NOT NULL,
    ftm INTEGER NOT NULL, fta INTEGER NOT NULL, oreb INTEGER NOT NULL, dreb INTEGER NOT NULL,
    ast INTEGER NOT NULL, stl INTEGER NOT NULL, blk INTEGER NOT NULL, tov INTEGER NOT NULL,
    minutes          REAL NOT NULL,
    possessions      REAL NOT NULL,             -- FGA - OREB + TOV + 0.44 FTA
    pace             REAL NOT NULL,             -- possessions per 48 minutes
    off_rating       REAL NOT NULL,             -- points per 100 possessions
    efg_pct          REAL,
    ts_pct           REAL,
    rest_days        INTEGER,                   -- NULL for the team's first game of the season
    back_to_back     INTEGER NOT NULL,
    run_id           TEXT NOT NULL,
    processed_at     TEXT NOT NULL,
    PRIMARY KEY (game_id, team_id)
);
CREATE INDEX team_offense_by_date ON team_offense_game_summary(game_date);
CREATE INDEX team_offense_by_team ON team_offense_game_summary(team_id, game_date);

CREATE TABLE team_defense_game_summary (
    game_id          TEXT NOT NULL,
    team_id          INTEGER NOT NULL,
    game_date        TEXT NOT NULL,
    season           TEXT NOT NULL,
    opponent_team_id INTEGER NOT NULL,
    opp_pts INTEGER NOT NULL, opp_fga INTEGER NOT NULL, opp_fg3a INTEGER NOT NULL,
    opp_fta INTEGER NOT NULL, opp_tov INTEGER NOT NULL, opp_oreb INTEGER NOT NULL,
    opp_possessions  REAL NOT NULL,
    def_rating       REAL NOT NULL,             -- opponent points per 100 possessions
    opp_efg_pct      REAL,
    opp_tov_rate     REAL,
    dreb_rate        REAL,                      -- DREB / (DREB + opponent OREB)
    stl INTEGER NOT NULL, blk INTEGER NOT NULL,
    run_id           TEXT NOT NULL,
    processed_at     TEXT NOT NULL,
    PRIMARY KEY (game_id, team_id)
);
CREATE INDEX team_defense_by_date ON team_defense_game_summary(game_date);
CREATE INDEX team_defense_by_team ON team_defense_game_summary(team_id, game_date);

CREATE TABLE player_composite_factors (
    game_date        TEXT NOT NULL,
    player_id        INTEGER NOT NULL,
    game_id          TEXT NOT NULL,
    team_id          INTEGER NOT NULL,
    opponent_team_id INTEGER NOT NULL,
    fatigue_score    REAL,
    pace_factor      REAL,
    matchup_factor   REAL,
    usage_trend      REAL,
    form_factor      REAL,
    run_id           TEXT NOT NULL,
    processed_at     TEXT NOT NULL,
    PRIMARY KEY (game_date, player_id)
);

-- Point-in-time features: every value uses games strictly before game_date.
CREATE TABLE ml_feature_store (
    game_date        TEXT NOT NULL,
    player_id        INTEGER NOT NULL,
    game_id          TEXT NOT NULL,
    team_id          INTEGER NOT NULL,
    opponent_team_id INTEGER NOT NULL,
    season           TEXT NOT NULL,
    feature_version  INTEGER NOT NULL,
    f_pts_last5 REAL,
    f_pts_last10 REAL,
    f_pts_season REAL,
    f_pts_ewm REAL,
    f_pts_std_last10 REAL,
    f_min_last5 REAL,
    f_min_last10 REAL,
    f_min_season REAL,
    f_usage_last5 REAL,
    f_usage_season REAL,
    f_ts_pct_last10 REAL,
    f_fga_last5 REAL,
    f_fta_last5 REAL,
    f_fg3a_last5 REAL,
    f_pts_per36_season REAL,
    f_home REAL,
    f_rest_days REAL,
    f_back_to_back REAL,
    f_games_played_season REAL,
    f_opp_def_rating REAL,
    f_opp_pace REAL,
    f_team_pace REAL,
    f_team_off_rating REAL,
    f_starter_rate_last10 REAL,
    f_pts_max_last10 REAL,
    f_pts_min_last10 REAL,
    f_minutes_last7d REAL,
    f_venue_streak REAL,
    f_pts_prev_season REAL,
    f_min_prev_season REAL,
    f_pts_share_season REAL,
    f_days_into_season REAL,
    f_pts_vs_opp REAL,
    f_dnp_rate_last10 REAL,
    f_fatigue_score  REAL,
    f_pace_factor    REAL,
    f_matchup_factor REAL,
    null_count       INTEGER NOT NULL,
    run_id           TEXT NOT NULL,
    processed_at     TEXT NOT NULL,
    PRIMARY KEY (game_date, player_id)
);
CREATE INDEX ml_feature_store_by_player ON ml_feature_store(player_id, game_date);

-- NULL rate of each feature per date (data quality).
CREATE TABLE feature_quality (
    game_date TEXT NOT NULL,
    feature   TEXT NOT NULL,
    rows      INTEGER NOT NULL,
    nulls     INTEGER NOT NULL,
    PRIMARY KEY (game_date, feature)
) WITHOUT ROWID;

CREATE TABLE player_prop_predictions (
    game_date        TEXT NOT NULL,
    player_id        INTEGER NOT NULL,
    model_version    TEXT NOT NULL,
    game_id          TEXT NOT NULL,
    team_id          INTEGER NOT NULL,
    opponent_team_id INTEGER NOT NULL,
    model_kind       TEXT NOT NULL CHECK (model_kind IN ('baseline', 'xgboost')),
    predicted_pts    REAL NOT NULL,
    prop_line        REAL,
    recommendation   TEXT CHECK (recommendation IN ('OVER', 'UNDER', 'PASS')),
    edge             REAL,
    run_id           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (game_date, player_id, model_version)
);

CREATE TABLE prediction_grades (
    game_date        TEXT NOT NULL,
    player_id        INTEGER NOT NULL,
    model_version    TEXT NOT NULL,
    game_id          TEXT NOT NULL,
    predicted_pts    REAL NOT NULL,
    actual_pts       INTEGER NOT NULL,
    minutes          REAL NOT NULL,
    played           INTEGER NOT NULL,
    abs_error        REAL NOT NULL,
    prop_line        REAL,
    recommendation   TEXT,
    hit              INTEGER,                   -- 1 the over/under call was right, NULL without a line
    run_id           TEXT NOT NULL,
    graded_at        TEXT NOT NULL,
    PRIMARY KEY (game_date, player_id, model_version)
);

CREATE TABLE published_documents (
    path         TEXT PRIMARY KEY,              -- relative to the data folder
    kind         TEXT NOT NULL,                 -- predictions | player
    game_date    TEXT NOT NULL,
    player_id    INTEGER,
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    published_at TEXT NOT NULL,
    run_id       TEXT NOT NULL
);
CREATE INDEX published_documents_by_date ON published_documents(game_date);
)sql";

inline constexpr const char* kV3 = R"sql(
ALTER TABLE processor_runs ADD COLUMN input_fingerprint TEXT;
ALTER TABLE processor_runs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
CREATE INDEX processor_latest_by_processor ON processor_latest(processor, game_date);
)sql";

inline constexpr const char* kV4 = R"sql(
CREATE TABLE circuit_breakers (
    source     TEXT PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('CLOSED', 'OPEN', 'HALF_OPEN')),
    failures   INTEGER NOT NULL,
    opened_at  TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE circuit_events (
    id         INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX circuit_events_by_time ON circuit_events(at);
)sql";

inline constexpr const char* kV5 = R"sql(
CREATE TABLE raw_odds_player_points (
    game_date    TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    bookmaker    TEXT NOT NULL,
    player_name  TEXT NOT NULL,
    point        REAL NOT NULL,
    over_price   INTEGER NOT NULL,
    under_price  INTEGER NOT NULL,
    home_team    TEXT,
    away_team    TEXT,
    payload_id   INTEGER REFERENCES raw_payloads(id),
    run_id       TEXT NOT NULL,
    loaded_at    TEXT NOT NULL,
    PRIMARY KEY (game_date, event_id, bookmaker, player_name, point)
);
CREATE INDEX raw_odds_by_player ON raw_odds_player_points(game_date, player_name);
)sql";

inline constexpr const char* kV6 = R"sql(
CREATE TABLE raw_espn_scoreboard (
    event_id        TEXT PRIMARY KEY,
    game_date       TEXT NOT NULL,             -- the US Eastern date the scoreboard was asked for
    start_utc       TEXT,
    home_team_id    INTEGER NOT NULL,          -- NBA.com ids, mapped from ESPN's abbreviations
    away_team_id    INTEGER NOT NULL,
    home_abbr       TEXT NOT NULL,             -- as ESPN writes them ("NY", "GS")
    away_abbr       TEXT NOT NULL,
    home_score      INTEGER,
    away_score      INTEGER,
    state           TEXT,                      -- pre | in | post
    completed       INTEGER NOT NULL,
    detail          TEXT,
    payload_id      INTEGER REFERENCES raw_payloads(id),
    run_id          TEXT NOT NULL,
    loaded_at       TEXT NOT NULL
);
CREATE INDEX raw_espn_scoreboard_by_date ON raw_espn_scoreboard(game_date);

CREATE TABLE raw_bdl_games (
    bdl_game_id     INTEGER PRIMARY KEY,
    game_date       TEXT NOT NULL,
    season          INTEGER NOT NULL,          -- start year
    status          TEXT,
    final           INTEGER NOT NULL,
    home_team_id    INTEGER NOT NULL,          -- NBA.com ids, mapped from balldontlie's
    visitor_team_id INTEGER NOT NULL,
    home_abbr       TEXT NOT NULL,
    visitor_abbr    TEXT NOT NULL,
    home_score      INTEGER,
    visitor_score   INTEGER,
    payload_id      INTEGER REFERENCES raw_payloads(id),
    run_id          TEXT NOT NULL,
    loaded_at       TEXT NOT NULL
);
CREATE INDEX raw_bdl_games_by_date ON raw_bdl_games(game_date);

CREATE TABLE raw_bdl_player_boxscores (
    bdl_stat_id     INTEGER PRIMARY KEY,
    bdl_game_id     INTEGER NOT NULL,
    game_date       TEXT NOT NULL,
    bdl_player_id   INTEGER NOT NULL,          -- balldontlie's own player id
    first_name      TEXT,
    last_name       TEXT,
    position        TEXT,
    team_id         INTEGER NOT NULL,          -- NBA.com team id, mapped
    team_abbr       TEXT NOT NULL,
    minutes         TEXT,                      -- as served: "34", "00"
    fgm INTEGER, fga INTEGER, fg3m INTEGER, fg3a INTEGER, ftm INTEGER, fta INTEGER,
    oreb INTEGER, dreb INTEGER, reb INTEGER, ast INTEGER, stl INTEGER, blk INTEGER,
    tov INTEGER, pf INTEGER, pts INTEGER,
    payload_id      INTEGER REFERENCES raw_payloads(id),
    run_id          TEXT NOT NULL,
    loaded_at       TEXT NOT NULL
);
CREATE INDEX raw_bdl_player_boxscores_by_date ON raw_bdl_player_boxscores(game_date);

-- The cross-source schedule (phase 3): NBA.com's, else ESPN's, else balldontlie's, with
-- NBA.com game ids wherever they are known for the date and teams.
CREATE TABLE game_schedule (
    game_id          TEXT PRIMARY KEY,
    game_date        TEXT NOT NULL,
    season           TEXT NOT NULL,            -- "2024-25"
    game_status      INTEGER NOT NULL,         -- 1 scheduled, 2 in progress, 3 final
    home_team_id     INTEGER NOT NULL,
    visitor_team_id  INTEGER NOT NULL,
    home_team_abbr   TEXT NOT NULL,
    visitor_team_abbr TEXT NOT NULL,
    home_pts         INTEGER,
    visitor_pts      INTEGER,
    source           TEXT NOT NULL,            -- nba_com | espn | balldontlie
    source_game_id   TEXT NOT NULL,
    run_id           TEXT NOT NULL,
    processed_at     TEXT NOT NULL
);
CREATE INDEX game_schedule_by_date ON game_schedule(game_date);
CREATE INDEX game_schedule_by_season ON game_schedule(season, game_date);

-- Players of other sources matched to NBA.com person ids (by name, then team); a player who
-- cannot be matched keeps a negative id (-source id) and method 'unmatched'.
CREATE TABLE player_id_map (
    source           TEXT NOT NULL,
    source_player_id INTEGER NOT NULL,
    player_id        INTEGER NOT NULL,
    source_name      TEXT NOT NULL,
    method           TEXT NOT NULL CHECK (method IN ('name', 'name_team', 'unmatched')),
    mapped_at        TEXT NOT NULL,
    PRIMARY KEY (source, source_player_id)
);
)sql";

inline constexpr const char* kV7 = R"sql(
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
)sql";

inline constexpr const char* kV8 = R"sql(
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
)sql";


inline constexpr const char* kV9 = R"sql(
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
)sql";

// The date index of player_game_summary carries what the feature store reads (player, team,
// opponent, venue, minutes, points, attempts, usage; the date's starters and ruled-out
// players): the backfill after an import reads every player-game of two seasons without
// visiting the table. The feature store's player index goes: nothing searches it by player,
// and each feature row paid for a third b-tree.
inline constexpr const char* kV10 = R"sql(
DROP INDEX player_game_summary_by_date;
CREATE INDEX player_game_summary_by_date ON player_game_summary(game_date, player_id, season, team_id,
    opponent_team_id, home, starter, played, minutes, pts, fga, fta, fg3a, tov, team_pts, usage_rate,
    dnp_reason);
DROP INDEX ml_feature_store_by_player;
)sql";

// Alerting: the state of each alert (one row per rule and labels), every state change and
// notification (history Alertmanager does not keep), silences with what they suppressed, and
// the per-processor timeouts the trends suggested and an operator applied.
inline constexpr const char* kV11 = R"sql(
CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY,
    fingerprint      TEXT NOT NULL UNIQUE,      -- rule and labels: the de-duplication key
    rule             TEXT NOT NULL,
    labels           TEXT NOT NULL,             -- JSON object
    group_key        TEXT NOT NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
    state            TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
    value            REAL,
    summary          TEXT NOT NULL,
    active_since     TEXT NOT NULL,             -- the condition has held since
    fired_at         TEXT,
    resolved_at      TEXT,
    evaluated_at     TEXT NOT NULL,
    notified_at      TEXT,                      -- last notification queued for it
    notifications    INTEGER NOT NULL DEFAULT 0,
    inhibited_by     TEXT,                      -- fingerprint of the firing alert that silences it
    acked_by         TEXT,
    acked_at         TEXT,
    ack_comment      TEXT
);
CREATE INDEX alerts_open ON alerts(state) WHERE state <> 'resolved';

CREATE TABLE alert_events (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL REFERENCES alerts(id),
    at         TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,                   -- pending | firing | resolved | cleared | acked
    value      REAL,
    summary    TEXT NOT NULL
);
CREATE INDEX alert_events_by_time ON alert_events(at);
CREATE INDEX alert_events_by_alert ON alert_events(alert_id, at);

CREATE TABLE alert_silences (
    id          INTEGER PRIMARY KEY,
    matchers    TEXT NOT NULL,                  -- JSON object: rule and/or label = value ('*' ends a prefix)
    creator     TEXT NOT NULL,
    comment     TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expired_at  TEXT,                           -- ended early by an operator
    suppressed  INTEGER NOT NULL DEFAULT 0      -- notifications it held back
);

-- The outbox: one row per message and receiver, delivered at most once (sent_at set on a
-- 2xx / 250 answer), retried with backoff until then; never deleted.
CREATE TABLE alert_notifications (
    id              INTEGER PRIMARY KEY,
    group_key       TEXT NOT NULL,
    receiver        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('firing', 'resolved', 'repeat')),
    severity        TEXT NOT NULL,
    alert_ids       TEXT NOT NULL,              -- JSON array
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'suppressed')),
    reason          TEXT,                       -- why suppressed: silence / inhibited / backfill / acked
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX alert_notifications_queued ON alert_notifications(next_attempt_at) WHERE status = 'queued';
CREATE INDEX alert_notifications_by_time ON alert_notifications(created_at);

-- Trends: per UTC day (of the run's start) and processor, the runs by category with their
-- records and time, and a histogram of successful runs' durations (bucket: the number of digits x 100 plus
-- the two leading digits, a bucket is at most 10% wide), so a year of runs is summarised
-- from a few hundred thousand rows; and real failures per hour for the day-of-week view.
CREATE TABLE run_day_stats (
    day          TEXT NOT NULL,
    processor    TEXT NOT NULL,
    category     TEXT NOT NULL,
    phase        INTEGER NOT NULL,
    runs         INTEGER NOT NULL,
    zero_records INTEGER NOT NULL,
    records_out  INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    PRIMARY KEY (day, processor, category)
) WITHOUT ROWID;
CREATE TABLE run_duration_hist (
    day       TEXT NOT NULL,
    processor TEXT NOT NULL,
    bucket    INTEGER NOT NULL,
    runs      INTEGER NOT NULL,
    PRIMARY KEY (day, processor, bucket)
) WITHOUT ROWID;
CREATE TABLE run_hour_failures (
    day      TEXT NOT NULL,
    hour     INTEGER NOT NULL,
    phase    INTEGER NOT NULL,
    category TEXT NOT NULL,
    runs     INTEGER NOT NULL,
    PRIMARY KEY (day, hour, phase, category)
) WITHOUT ROWID;

CREATE TRIGGER processor_runs_trend_inserted AFTER INSERT ON processor_runs
WHEN NEW.failure_category IS NOT NULL BEGIN
    INSERT INTO run_day_stats VALUES (substr(NEW.started_at, 1, 10), NEW.processor, NEW.failure_category, NEW.phase, 1,
        coalesce(NEW.records_out, 0) = 0, coalesce(NEW.records_out, 0), coalesce(NEW.duration_ms, 0))
        ON CONFLICT DO UPDATE SET runs = runs + 1, zero_records = zero_records + excluded.zero_records,
            records_out = records_out + excluded.records_out, duration_ms = duration_ms + excluded.duration_ms;
    INSERT INTO run_duration_hist SELECT substr(NEW.started_at, 1, 10), NEW.processor,
        length(CAST(max(coalesce(NEW.duration_ms, 0), 0) AS TEXT)) * 100 +
        CAST(substr(CAST(max(coalesce(NEW.duration_ms, 0), 0) AS TEXT) || '0', 1, 2) AS INTEGER), 1
        WHERE NEW.failure_category = 'success'
        ON CONFLICT DO UPDATE SET runs = runs + 1;
    INSERT INTO run_hour_failures SELECT substr(NEW.started_at, 1, 10), CAST(substr(NEW.started_at, 12, 2) AS INTEGER),
        NEW.phase, NEW.failure_category, 1
        WHERE NEW.failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error')
        ON CONFLICT DO UPDATE SET runs = runs + 1;
END;

CREATE TRIGGER processor_runs_trend_finished AFTER UPDATE OF failure_category ON processor_runs
WHEN OLD.failure_category IS NULL AND NEW.failure_category IS NOT NULL BEGIN
    INSERT INTO run_day_stats VALUES (substr(NEW.started_at, 1, 10), NEW.processor, NEW.failure_category, NEW.phase, 1,
        coalesce(NEW.records_out, 0) = 0, coalesce(NEW.records_out, 0), coalesce(NEW.duration_ms, 0))
        ON CONFLICT DO UPDATE SET runs = runs + 1, zero_records = zero_records + excluded.zero_records,
            records_out = records_out + excluded.records_out, duration_ms = duration_ms + excluded.duration_ms;
    INSERT INTO run_duration_hist SELECT substr(NEW.started_at, 1, 10), NEW.processor,
        length(CAST(max(coalesce(NEW.duration_ms, 0), 0) AS TEXT)) * 100 +
        CAST(substr(CAST(max(coalesce(NEW.duration_ms, 0), 0) AS TEXT) || '0', 1, 2) AS INTEGER), 1
        WHERE NEW.failure_category = 'success'
        ON CONFLICT DO UPDATE SET runs = runs + 1;
    INSERT INTO run_hour_failures SELECT substr(NEW.started_at, 1, 10), CAST(substr(NEW.started_at, 12, 2) AS INTEGER),
        NEW.phase, NEW.failure_category, 1
        WHERE NEW.failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error')
        ON CONFLICT DO UPDATE SET runs = runs + 1;
END;

-- The runs already in the history.
INSERT INTO run_day_stats SELECT substr(started_at, 1, 10), processor, failure_category, min(phase), count(*),
    sum(coalesce(records_out, 0) = 0), sum(coalesce(records_out, 0)), sum(coalesce(duration_ms, 0))
    FROM processor_runs WHERE failure_category IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO run_duration_hist SELECT substr(started_at, 1, 10), processor,
    length(CAST(max(coalesce(duration_ms, 0), 0) AS TEXT)) * 100 +
    CAST(substr(CAST(max(coalesce(duration_ms, 0), 0) AS TEXT) || '0', 1, 2) AS INTEGER), count(*)
    FROM processor_runs WHERE failure_category = 'success' GROUP BY 1, 2, 3;
INSERT INTO run_hour_failures SELECT substr(started_at, 1, 10), CAST(substr(started_at, 12, 2) AS INTEGER), phase,
    failure_category, count(*) FROM processor_runs
    WHERE failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error') GROUP BY 1, 2, 3, 4;

CREATE TABLE processor_timeouts (
    processor  TEXT PRIMARY KEY,
    timeout_s  INTEGER NOT NULL,
    basis      TEXT NOT NULL,                   -- "P95 41 s over 30 days (212 runs) x 3"
    applied_at TEXT NOT NULL,
    applied_by TEXT NOT NULL
);
)sql";

} // namespace nbaops::store::schema
