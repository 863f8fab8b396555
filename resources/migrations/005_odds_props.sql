-- player points prop lines from The Odds API
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
