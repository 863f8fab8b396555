#pragma once

#include "job.h"
#include "sources/boxscorecsv.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::pipeline {
class Session;
}

namespace nbaops::jobs {

struct ImportOptions
{
    std::filesystem::path file;                 // nba_player_boxscores_*.csv[.gz]
    std::optional<std::filesystem::path> teams; // nba_team_game_logs_*.csv[.gz], for the cross-check
};

struct ImportReport
{
    std::string file;
    std::string sha256;
    bool alreadyImported = false; // the same bytes were imported before: nothing was changed
    bool cancelled = false;       // stopped by the operator: the import stays 'loading', as after a crash
    int64_t rows = 0, loaded = 0, quarantined = 0;
    int64_t games = 0, dates = 0, players = 0;
    std::string firstDate, lastDate;
    std::vector<sources::CsvIssue> issues; // the first kKeptIssues
    std::vector<std::string> warnings;     // team totals that disagree with the team game log
    std::vector<size_t> repairedLines;     // lines with text not in UTF-8, repaired (U+FFFD), the first kKeptIssues
    int64_t repaired = 0;                  // how many such lines in all
    int analyticsFailures = 0;             // phase-3 runs of the imported dates that failed
    double readSeconds = 0, loadSeconds = 0, analyticsSeconds = 0;
};
inline constexpr size_t kKeptIssues = 100;

// Imports player box scores in the CSV format of ../shared/data into the tables the live
// pipeline fills (raw_nbac_schedule, raw_nbac_player_boxscores, with their runs recorded as
// source 'import'), then builds the phase-3 tables for every imported date through the
// session's runner. A bad row is reported with its line, column and reason, kept in
// import_quarantine, and the rest loads. Importing the same bytes again changes nothing. With
// `teams` each team's points are checked against its players'. Throws OpsError / UsageError
// for a file that cannot be read or is not in this format. Cancelled, it stops at the next
// date: with one worker nothing of it is kept, with several the dates done are; either way the
// import stays 'loading' (as after a crash) and importing the same file again completes it.
ImportReport importHistory(pipeline::Session& session, const ImportOptions& options, const TextControl& control);

} // namespace nbaops::jobs
