-- covering date index for the feature store's reads; no player index on the feature store
-- The date index of player_game_summary carries what the feature store reads (player, team,
-- opponent, venue, minutes, points, attempts, usage; the date's starters and ruled-out
-- players): the backfill after an import reads every player-game of two seasons without
-- visiting the table. The feature store's player index goes: nothing searches it by player,
-- and each feature row paid for a third b-tree.
DROP INDEX player_game_summary_by_date;
CREATE INDEX player_game_summary_by_date ON player_game_summary(game_date, player_id, season, team_id,
    opponent_team_id, home, starter, played, minutes, pts, fga, fta, fg3a, tov, team_pts, usage_rate,
    dnp_reason);
DROP INDEX ml_feature_store_by_player;
