#pragma once

#include "util/date.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nbaops::sources {

// The player box-score history CSV of ../shared/data (nba_player_boxscores_*.csv, gzip or
// plain; see its SOURCES.md), read and checked row by row. Parsing only: no database.

// One row that could not be read: where it is and why.
struct CsvIssue
{
    size_t line = 0;
    std::string column; // "" when the whole row is at fault
    std::string reason;
};

// A row that failed its checks, with the row's text (for import_quarantine).
struct RejectedRow
{
    CsvIssue issue;
    std::string raw;
};

// The counting stats in the order of kBoxscoreStats.
inline constexpr std::array<const char*, 15> kBoxscoreStats = {
    "fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "pts"};
inline constexpr size_t kPtsStat = 14;

struct BoxscoreLine
{
    std::string gameId, season, teamAbbr, teamCity, oppAbbr, name, position, comment, minutes;
    Date date;
    int64_t teamId = 0, oppId = 0, playerId = 0;
    bool home = false;
    std::array<int64_t, kBoxscoreStats.size()> stats{};
    std::array<std::optional<double>, 3> pcts{}; // fg_pct, fg3_pct, ft_pct
    std::optional<double> plusMinus;
};

struct BoxscoreCsv
{
    int64_t rows = 0;                                 // data rows read (the header aside)
    std::map<Date, std::vector<BoxscoreLine>> byDate; // the rows that passed, by game date
    std::vector<RejectedRow> rejected;
    int64_t players = 0;                              // distinct players among the rows that passed
    std::vector<size_t> repairedLines; // lines with text not in UTF-8: each bad byte became U+FFFD
    bool cancelled = false;                           // stopped by the cancel flag: partial
};

// Reads every row of the file; a row that fails a check is rejected with its line, column and
// reason, and the rest are kept. Throws UsageError when the file is empty or lacks a required
// column, OpsError when it cannot be read.
BoxscoreCsv readBoxscoreCsv(const std::filesystem::path& file, const std::atomic<bool>* cancel = nullptr);

// Team points per (game id, team id) from the team game log (nba_team_game_logs_*.csv).
using TeamPoints = std::map<std::pair<std::string, int64_t>, int64_t>;
TeamPoints readTeamPoints(const std::filesystem::path& file);

} // namespace nbaops::sources
