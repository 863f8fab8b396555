#include "nbastats.h"

#include "util/jsonnum.h"

#include <cmath>

namespace nbaops::sources {

using nlohmann::json;

ResultSet::ResultSet(std::string name, std::vector<std::string> headers, json rows)
    : m_name(std::move(name)), m_headers(std::move(headers)), m_rows(std::move(rows))
{
}

bool ResultSet::hasColumn(std::string_view header) const
{
    for (const auto& h : m_headers) {
        if (h == header)
            return true;
    }
    return false;
}

size_t ResultSet::column(std::string_view header) const
{
    for (size_t i = 0; i < m_headers.size(); ++i) {
        if (m_headers[i] == header)
            return i;
    }
    throw PayloadError("result set '" + m_name + "' has no column '" + std::string(header) + "'");
}

void ResultSet::badCell(size_t row, size_t col, const char* expected) const
{
    throw PayloadError("result set '" + m_name + "' row " + std::to_string(row + 1) + " column " +
                       m_headers[col] + ": expected " + expected + ", found " +
                       m_rows[row][col].dump());
}

std::optional<int64_t> ResultSet::optInt(size_t row, size_t col) const
{
    const json& v = m_rows[row][col];
    if (v.is_null())
        return std::nullopt;
    if (const auto n = jsonWholeNumber(v))
        return n;
    badCell(row, col, "a whole number");
}

int64_t ResultSet::requireInt(size_t row, size_t col) const
{
    if (auto v = optInt(row, col))
        return *v;
    badCell(row, col, "a whole number");
}

std::optional<double> ResultSet::optDouble(size_t row, size_t col) const
{
    const json& v = m_rows[row][col];
    if (v.is_null())
        return std::nullopt;
    if (v.is_number())
        return v.get<double>();
    badCell(row, col, "a number");
}

std::string ResultSet::text(size_t row, size_t col) const
{
    const json& v = m_rows[row][col];
    if (v.is_null())
        return {};
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number())
        return v.dump();
    badCell(row, col, "text");
}

StatsDocument StatsDocument::parse(std::string_view body)
{
    json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded()) {
        const std::string start(body.substr(0, std::min<size_t>(body.size(), 40)));
        throw PayloadError("the body is not valid JSON (" + std::to_string(body.size()) +
                           " bytes, starting '" + start + "')");
    }
    if (!doc.is_object() || !doc.contains("resultSets") || !doc["resultSets"].is_array())
        throw PayloadError("the JSON has no 'resultSets' list");
    StatsDocument out;
    out.m_resource = doc.value("resource", "");
    out.m_parameters = doc.value("parameters", json::object());
    for (json& rs : doc["resultSets"]) {
        if (!rs.is_object() || !rs.contains("name") || !rs["name"].is_string() ||
            !rs.contains("headers") || !rs["headers"].is_array() || !rs.contains("rowSet") ||
            !rs["rowSet"].is_array())
            throw PayloadError("a result set lacks 'name', 'headers' or 'rowSet'");
        std::vector<std::string> headers;
        for (const json& h : rs["headers"]) {
            if (!h.is_string())
                throw PayloadError("result set '" + rs["name"].get<std::string>() +
                                   "' has a header that is not text");
            headers.push_back(h.get<std::string>());
        }
        const std::string name = rs["name"].get<std::string>();
        for (size_t i = 0; i < rs["rowSet"].size(); ++i) {
            const json& row = rs["rowSet"][i];
            if (!row.is_array() || row.size() != headers.size())
                throw PayloadError("result set '" + name + "' row " + std::to_string(i + 1) +
                                   " has " + std::to_string(row.is_array() ? row.size() : 0) +
                                   " cells for " + std::to_string(headers.size()) + " headers");
        }
        out.m_sets.emplace_back(name, std::move(headers), std::move(rs["rowSet"]));
    }
    return out;
}

const ResultSet* StatsDocument::find(std::string_view name) const
{
    for (const auto& s : m_sets) {
        if (s.name() == name)
            return &s;
    }
    return nullptr;
}

const ResultSet& StatsDocument::require(std::string_view name) const
{
    if (const auto* s = find(name))
        return *s;
    throw PayloadError("the expected result set '" + std::string(name) + "' is missing");
}

void StatsDocument::expect(std::string_view set, std::initializer_list<std::string_view> columns) const
{
    const ResultSet& rs = require(set);
    for (auto c : columns)
        rs.column(c);
}

std::optional<double> parseMinutes(const json& v)
{
    if (v.is_null())
        return std::nullopt;
    if (v.is_number())
        return v.get<double>();
    if (!v.is_string())
        return std::nullopt;
    return parseMinutesText(v.get_ref<const std::string&>());
}

std::optional<double> parseMinutesText(const std::string& s)
{
    if (s.empty())
        return std::nullopt;
    try {
        if (s.rfind("PT", 0) == 0) { // ISO-8601 duration, as in boxscoretraditionalv3
            const auto m = s.find('M');
            const double mins = std::stod(s.substr(2, m - 2));
            const double secs = m == std::string::npos ? 0 : std::stod(s.substr(m + 1));
            return mins + secs / 60.0;
        }
        const auto colon = s.find(':');
        size_t used = 0;
        const double mins = std::stod(s.substr(0, colon), &used);
        if (used != (colon == std::string::npos ? s.size() : colon) || mins < 0)
            return std::nullopt;
        if (colon == std::string::npos)
            return mins;
        const std::string secText = s.substr(colon + 1);
        const int secs = std::stoi(secText, &used);
        // "33:60": some NBA.com box scores round 33:59.6 up to 60 seconds; that is 34:00.
        if (used != secText.size() || secs < 0 || secs > 60)
            return std::nullopt;
        return std::floor(mins) + secs / 60.0;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::vector<ScheduledGame> parseScoreboardV2(const StatsDocument& doc)
{
    doc.expect("GameHeader", {"GAME_DATE_EST", "GAME_SEQUENCE", "GAME_ID", "GAME_STATUS_ID",
                              "GAME_STATUS_TEXT", "HOME_TEAM_ID", "VISITOR_TEAM_ID", "SEASON"});
    doc.expect("LineScore", {"GAME_ID", "TEAM_ID", "TEAM_ABBREVIATION", "PTS"});
    const ResultSet& gh = doc.require("GameHeader");
    const ResultSet& ls = doc.require("LineScore");
    std::vector<ScheduledGame> out;
    const size_t cDate = gh.column("GAME_DATE_EST"), cSeq = gh.column("GAME_SEQUENCE"),
                 cId = gh.column("GAME_ID"), cStatus = gh.column("GAME_STATUS_ID"),
                 cText = gh.column("GAME_STATUS_TEXT"), cHome = gh.column("HOME_TEAM_ID"),
                 cAway = gh.column("VISITOR_TEAM_ID"), cSeason = gh.column("SEASON");
    const bool hasArena = gh.hasColumn("ARENA_NAME"), hasCode = gh.hasColumn("GAMECODE");
    for (size_t r = 0; r < gh.rowCount(); ++r) {
        ScheduledGame g;
        g.gameId = gh.text(r, cId);
        if (g.gameId.size() != 10)
            throw PayloadError("GameHeader row " + std::to_string(r + 1) + ": GAME_ID '" +
                               g.gameId + "' is not a 10-character game id");
        const std::string d = gh.text(r, cDate);
        const auto date = Date::parse(d.substr(0, 10));
        if (!date)
            throw PayloadError("GameHeader row " + std::to_string(r + 1) + ": GAME_DATE_EST '" +
                               d + "' is not a date");
        g.date = *date;
        g.sequence = int(gh.optInt(r, cSeq).value_or(0));
        g.status = int(gh.requireInt(r, cStatus));
        g.statusText = gh.text(r, cText);
        g.homeTeamId = gh.requireInt(r, cHome);
        g.visitorTeamId = gh.requireInt(r, cAway);
        g.season = gh.text(r, cSeason);
        if (hasArena)
            g.arena = gh.text(r, gh.column("ARENA_NAME"));
        if (hasCode)
            g.gamecode = gh.text(r, gh.column("GAMECODE"));
        out.push_back(g);
    }
    const size_t lId = ls.column("GAME_ID"), lTeam = ls.column("TEAM_ID"),
                 lAbbr = ls.column("TEAM_ABBREVIATION"), lPts = ls.column("PTS");
    for (size_t r = 0; r < ls.rowCount(); ++r) {
        const std::string id = ls.text(r, lId);
        const int64_t team = ls.requireInt(r, lTeam);
        for (auto& g : out) {
            if (g.gameId != id)
                continue;
            if (team == g.homeTeamId) {
                g.homeAbbr = ls.text(r, lAbbr);
                g.homePts = ls.optInt(r, lPts);
            } else if (team == g.visitorTeamId) {
                g.visitorAbbr = ls.text(r, lAbbr);
                g.visitorPts = ls.optInt(r, lPts);
            }
        }
    }
    return out;
}

std::vector<BoxPlayerRow> parseBoxscoreTraditionalV2(const StatsDocument& doc)
{
    doc.expect("PlayerStats", {"GAME_ID", "TEAM_ID", "TEAM_ABBREVIATION", "PLAYER_ID",
                               "PLAYER_NAME", "START_POSITION", "COMMENT", "MIN", "FGM", "FGA",
                               "FG3M", "FG3A", "FTM", "FTA", "OREB", "DREB", "REB", "AST",
                               "STL", "BLK", "TO", "PF", "PTS", "PLUS_MINUS"});
    doc.expect("TeamStats", {"GAME_ID", "TEAM_ID", "PTS"});
    const ResultSet& ps = doc.require("PlayerStats");
    const auto col = [&](const char* n) { return ps.column(n); };
    std::vector<BoxPlayerRow> out;
    out.reserve(ps.rowCount());
    for (size_t r = 0; r < ps.rowCount(); ++r) {
        BoxPlayerRow b;
        b.gameId = ps.text(r, col("GAME_ID"));
        b.teamId = ps.requireInt(r, col("TEAM_ID"));
        b.teamAbbr = ps.text(r, col("TEAM_ABBREVIATION"));
        if (ps.hasColumn("TEAM_CITY"))
            b.teamCity = ps.text(r, col("TEAM_CITY"));
        b.playerId = ps.requireInt(r, col("PLAYER_ID"));
        b.playerName = ps.text(r, col("PLAYER_NAME"));
        if (ps.hasColumn("NICKNAME"))
            b.nickname = ps.text(r, col("NICKNAME"));
        b.startPosition = ps.text(r, col("START_POSITION"));
        b.comment = ps.text(r, col("COMMENT"));
        const json& min = ps.cell(r, col("MIN"));
        if (!min.is_null()) {
            b.minutesText = min.is_string() ? min.get<std::string>() : min.dump();
            b.minutes = parseMinutes(min);
            if (!b.minutes)
                throw PayloadError("PlayerStats row " + std::to_string(r + 1) + " (" +
                                   b.playerName + "): MIN " + min.dump() +
                                   " is not a playing time");
        }
        b.fgm = ps.optInt(r, col("FGM"));
        b.fga = ps.optInt(r, col("FGA"));
        b.fg3m = ps.optInt(r, col("FG3M"));
        b.fg3a = ps.optInt(r, col("FG3A"));
        b.ftm = ps.optInt(r, col("FTM"));
        b.fta = ps.optInt(r, col("FTA"));
        b.oreb = ps.optInt(r, col("OREB"));
        b.dreb = ps.optInt(r, col("DREB"));
        b.reb = ps.optInt(r, col("REB"));
        b.ast = ps.optInt(r, col("AST"));
        b.stl = ps.optInt(r, col("STL"));
        b.blk = ps.optInt(r, col("BLK"));
        b.tov = ps.optInt(r, col("TO"));
        b.pf = ps.optInt(r, col("PF"));
        b.pts = ps.optInt(r, col("PTS"));
        b.plusMinus = ps.optDouble(r, col("PLUS_MINUS"));
        if (ps.hasColumn("FG_PCT"))
            b.fgPct = ps.optDouble(r, col("FG_PCT"));
        if (ps.hasColumn("FG3_PCT"))
            b.fg3Pct = ps.optDouble(r, col("FG3_PCT"));
        if (ps.hasColumn("FT_PCT"))
            b.ftPct = ps.optDouble(r, col("FT_PCT"));
        if (b.pts && b.fgm && b.fg3m && b.ftm && *b.pts != 2 * *b.fgm + *b.fg3m + *b.ftm)
            throw PayloadError("PlayerStats row " + std::to_string(r + 1) + " (" + b.playerName +
                               "): PTS " + std::to_string(*b.pts) +
                               " does not equal 2*FGM + FG3M + FTM");
        out.push_back(std::move(b));
    }
    return out;
}

std::string seasonLabelOf(const std::string& startYear)
{
    const int y = std::atoi(startYear.c_str());
    if (y < 1900 || startYear.size() != 4)
        return startYear;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d-%02d", y, (y + 1) % 100);
    return buf;
}

} // namespace nbaops::sources
