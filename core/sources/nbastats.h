#pragma once

#include "util/date.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nbaops::sources {

// A payload that does not have the shape we expect. The message says what is wrong.
class PayloadError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// One result set of a stats.nba.com response: headers and rows, columns by name.
class ResultSet
{
public:
    ResultSet(std::string name, std::vector<std::string> headers, nlohmann::json rows);
    const std::string& name() const { return m_name; }
    size_t rowCount() const { return m_rows.size(); }
    // Column index; throws PayloadError when the header is absent.
    size_t column(std::string_view header) const;
    bool hasColumn(std::string_view header) const;
    const nlohmann::json& cell(size_t row, size_t col) const { return m_rows[row][col]; }

    // Typed access with a PayloadError naming set, row and column on a wrong type.
    std::optional<int64_t> optInt(size_t row, size_t col) const;
    int64_t requireInt(size_t row, size_t col) const;
    std::optional<double> optDouble(size_t row, size_t col) const;
    std::string text(size_t row, size_t col) const; // "" for null

private:
    std::string m_name;
    std::vector<std::string> m_headers;
    nlohmann::json m_rows;
    [[noreturn]] void badCell(size_t row, size_t col, const char* expected) const;
};

// A parsed stats.nba.com document ({"resource", "parameters", "resultSets"}). Validates that
// every row has as many cells as there are headers.
class StatsDocument
{
public:
    static StatsDocument parse(std::string_view body); // throws PayloadError
    const std::string& resource() const { return m_resource; }
    const nlohmann::json& parameters() const { return m_parameters; }
    const ResultSet* find(std::string_view name) const;
    const ResultSet& require(std::string_view name) const; // throws PayloadError
    // Throws PayloadError unless each named set exists and has the named columns.
    void expect(std::string_view set, std::initializer_list<std::string_view> columns) const;

private:
    std::string m_resource;
    nlohmann::json m_parameters;
    std::vector<ResultSet> m_sets;
};

// Minutes as served by the stats API ("36:12", "36.000000:12", "36", "PT36M12.00S", null)
// to decimal minutes; nullopt when not parseable (the caller reports it).
std::optional<double> parseMinutes(const nlohmann::json& value);
// The same for minutes already held as text (CSV fields, stored rows): no JSON value built.
std::optional<double> parseMinutesText(const std::string& text);

// Typed views of the two documents the first slice uses.
struct ScheduledGame
{
    std::string gameId;
    Date date;
    std::string season;     // "2024" as served (start year)
    int sequence = 0;
    int status = 0;         // 1 scheduled, 2 live, 3 final
    std::string statusText;
    std::string gamecode;
    int64_t homeTeamId = 0;
    int64_t visitorTeamId = 0;
    std::string homeAbbr, visitorAbbr;
    std::optional<int64_t> homePts, visitorPts;
    std::string arena;
};
std::vector<ScheduledGame> parseScoreboardV2(const StatsDocument& doc);

struct BoxPlayerRow
{
    std::string gameId;
    int64_t teamId = 0;
    std::string teamAbbr, teamCity;
    int64_t playerId = 0;
    std::string playerName, nickname, startPosition, comment;
    std::optional<std::string> minutesText;
    std::optional<double> minutes;
    std::optional<int64_t> fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk, tov,
        pf, pts;
    std::optional<double> fgPct, fg3Pct, ftPct, plusMinus;
};
std::vector<BoxPlayerRow> parseBoxscoreTraditionalV2(const StatsDocument& doc);

// "2024-25" from the start year as NBA.com serves it in SEASON ("2024"); other text is kept.
std::string seasonLabelOf(const std::string& startYear);

} // namespace nbaops::sources
