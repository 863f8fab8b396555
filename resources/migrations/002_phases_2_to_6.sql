-- team summaries, composite factors, feature store and quality, predictions, grades, published documents
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
