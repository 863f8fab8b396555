#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::pipeline {
class Session;
}

namespace nbaops::importer {

// One row that could not be loaded: where it is and why. Kept in import_quarantine.
struct ImportIssue
{
    size_t line = 0;
    std::string column; // "" when the whole row is at fault
    std::string reason;
};

struct ImportReport
{
    std::string file;
    std::string sha256;
    bool alreadyImported = false; // the same bytes were imported before: nothing was changed
    int64_t rows = 0, loaded = 0, quarantined = 0;
    int64_t games = 0, dates = 0, players = 0;
    std::string firstDate, lastDate;
    std::vector<ImportIssue> issues;     // the first 100
    std::vector<std::string> warnings;   // team totals that disagree with the team game log
    int analyticsFailures = 0;           // phase-3 runs of the imported dates that failed
    double readSeconds = 0, loadSeconds = 0, analyticsSeconds = 0;
};

// Imports player box scores in the CSV format of ../shared/data (nba_player_boxscores_*.csv,
// gzip or plain) into the tables the live pipeline fills (raw_nbac_schedule,
// raw_nbac_player_boxscores, with their runs recorded as source 'import'), then builds the
// phase-3 tables for every imported date through the session's runner. A bad row is reported
// with its line, column and reason, kept in import_quarantine, and the rest loads. Importing
// the same bytes again changes nothing. With `teams` (nba_team_game_logs_*.csv) each team's
// points are checked against its players'. Throws OpsError / UsageError for a file that cannot
// be read or is not in this format.
ImportReport importBoxscores(pipeline::Session& session, const std::filesystem::path& file,
                             const std::optional<std::filesystem::path>& teams,
                             const std::function<void(const std::string&)>& progress = {});

} // namespace nbaops::importer
