-- raw payload index, raw NBA.com tables, player_game_summary, run history and summaries
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
