-- ESPN and balldontlie raw tables, the cross-source schedule, player id mapping
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
