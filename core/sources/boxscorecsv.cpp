#include "boxscorecsv.h"

#include "csv.h"
#include "nbastats.h"
#include "teams.h"
#include "util/errors.h"
#include "util/text.h"

#include <charconv>
#include <set>
#include <variant>

namespace nbaops::sources {

namespace {

const char* const kPcts[] = {"fg_pct", "fg3_pct", "ft_pct"};
const char* const kRequired[] = {"season", "game_id", "game_date", "team_id", "team_tricode", "home",
                                 "opponent_team_id", "opponent_tricode", "person_id", "first_name",
                                 "family_name", "minutes", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta",
                                 "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "pts"};
constexpr size_t kRawTextLimit = 2000; // characters of a rejected row kept with it
constexpr int64_t kCancelEvery = 4096;  // rows read between two looks at the cancel flag

std::optional<int64_t> wholeNumber(const std::string& s)
{
    int64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::optional<double> number(const std::string& s)
{
    if (s.empty())
        return std::nullopt;
    try {
        size_t used = 0;
        const double v = std::stod(s, &used);
        if (used == s.size())
            return v;
    } catch (const std::exception&) {
        // not a number: the caller treats the field as absent, as the format allows
    }
    return std::nullopt;
}

std::string joined(const std::vector<std::string>& fields)
{
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i)
        out += (i ? "," : "") + fields[i];
    return out.substr(0, kRawTextLimit);
}

// Each column's position, looked up once from the header (not once per row and field).
struct Columns
{
    size_t count = 0;
    size_t game = 0, date = 0, season = 0, team = 0, opp = 0, person = 0, home = 0, minutes = 0, tri = 0,
           oppTri = 0, first = 0, family = 0;
    std::array<size_t, kBoxscoreStats.size()> stats{};
    std::array<std::optional<size_t>, std::size(kPcts)> pcts{};
    std::optional<size_t> plusMinus, city, position, comment;

    static Columns fromHeader(const std::vector<std::string>& header, const std::filesystem::path& file)
    {
        std::map<std::string, size_t, std::less<>> col;
        for (size_t i = 0; i < header.size(); ++i)
            col.emplace(header[i], i);
        std::string missing;
        for (const char* c : kRequired) {
            if (!col.count(c))
                missing += (missing.empty() ? "" : ", ") + std::string(c);
        }
        if (!missing.empty())
            throw UsageError(file.string() + " lacks the column(s) " + missing +
                             "; it is not in the player box-score CSV format (see ../shared/data/SOURCES.md).");
        const auto optional = [&](const char* c) {
            const auto it = col.find(std::string_view(c));
            return it == col.end() ? std::nullopt : std::optional(it->second);
        };
        Columns c;
        c.count = header.size();
        c.game = col.at("game_id"), c.date = col.at("game_date"), c.season = col.at("season");
        c.team = col.at("team_id"), c.opp = col.at("opponent_team_id"), c.person = col.at("person_id");
        c.home = col.at("home"), c.minutes = col.at("minutes"), c.tri = col.at("team_tricode");
        c.oppTri = col.at("opponent_tricode"), c.first = col.at("first_name"), c.family = col.at("family_name");
        for (size_t i = 0; i < kBoxscoreStats.size(); ++i)
            c.stats[i] = col.at(kBoxscoreStats[i]);
        for (size_t i = 0; i < std::size(kPcts); ++i)
            c.pcts[i] = optional(kPcts[i]);
        c.plusMinus = optional("plus_minus"), c.city = optional("team_city");
        c.position = optional("position"), c.comment = optional("comment");
        return c;
    }
};

struct Reject
{
    std::string column, reason;
};

// The row's identity: game, date, teams, player, home or away.
std::optional<Reject> readKeys(const std::vector<std::string>& f, const Columns& c, BoxscoreLine& l)
{
    l.gameId = f[c.game];
    if (l.gameId.size() != 10 || !wholeNumber(l.gameId))
        return Reject{"game_id", "'" + l.gameId + "' is not a 10-digit NBA game id"};
    const auto date = Date::parse(f[c.date]);
    if (!date)
        return Reject{"game_date", "'" + f[c.date] + "' is not a date (YYYY-MM-DD)"};
    l.date = *date;
    l.season = f[c.season];
    const auto team = wholeNumber(f[c.team]), opp = wholeNumber(f[c.opp]);
    if (!team || !teamByNbaId(*team))
        return Reject{"team_id", "'" + f[c.team] + "' is not an NBA team id"};
    if (!opp || !teamByNbaId(*opp) || *opp == *team)
        return Reject{"opponent_team_id", "'" + f[c.opp] + "' is not the id of another NBA team"};
    l.teamId = *team;
    l.oppId = *opp;
    const auto person = wholeNumber(f[c.person]);
    if (!person || *person <= 0)
        return Reject{"person_id", "'" + f[c.person] + "' is not a player id"};
    l.playerId = *person;
    if (f[c.home] != "0" && f[c.home] != "1")
        return Reject{"home", "'" + f[c.home] + "' must be 1 (home) or 0 (away)"};
    l.home = f[c.home] == "1";
    return std::nullopt;
}

// The playing time, the counting stats and the optional columns.
std::optional<Reject> readStats(const std::vector<std::string>& f, const Columns& c, BoxscoreLine& l)
{
    l.minutes = f[c.minutes];
    if (!l.minutes.empty() && !parseMinutesText(l.minutes))
        return Reject{"minutes", "'" + l.minutes + "' is not a playing time (MM:SS)"};
    for (size_t i = 0; i < kBoxscoreStats.size(); ++i) {
        const std::string& v = f[c.stats[i]];
        const auto n = v.empty() ? std::optional<int64_t>(0) : wholeNumber(v);
        if (!n || *n < 0)
            return Reject{kBoxscoreStats[i], "'" + v + "' is not a whole number of at least 0"};
        l.stats[i] = *n;
    }
    for (size_t i = 0; i < std::size(kPcts); ++i)
        l.pcts[i] = c.pcts[i] ? number(f[*c.pcts[i]]) : std::nullopt;
    l.plusMinus = c.plusMinus ? number(f[*c.plusMinus]) : std::nullopt;
    l.teamAbbr = f[c.tri];
    l.teamCity = c.city ? f[*c.city] : std::string();
    l.oppAbbr = f[c.oppTri];
    l.name = f[c.first] + (f[c.first].empty() ? "" : " ") + f[c.family];
    l.position = c.position ? f[*c.position] : std::string();
    l.comment = c.comment ? f[*c.comment] : std::string();
    return std::nullopt;
}

} // namespace

BoxscoreCsv readBoxscoreCsv(const std::filesystem::path& file, const std::atomic<bool>* cancel)
{
    CsvReader csv(file);
    std::vector<std::string> f;
    if (!csv.next(f))
        throw UsageError(file.string() + " is empty; give a player box-score CSV with a header line.");
    const Columns cols = Columns::fromHeader(f, file);
    BoxscoreCsv out;
    std::set<int64_t> players;
    while (csv.next(f)) {
        if (++out.rows % kCancelEvery == 0 && cancel && cancel->load()) {
            out.cancelled = true;
            break;
        }
        bool repaired = false;
        for (auto& field : f)
            repaired = repairUtf8(field) || repaired;
        if (repaired)
            out.repairedLines.push_back(csv.line());
        std::optional<Reject> bad;
        BoxscoreLine l;
        if (!csv.problem().empty())
            bad = Reject{"", csv.problem()};
        else if (f.size() != cols.count)
            bad = Reject{"", "has " + std::to_string(f.size()) + " fields, the header has " + std::to_string(cols.count)};
        else if (!(bad = readKeys(f, cols, l)))
            bad = readStats(f, cols, l);
        if (bad) {
            out.rejected.push_back({{csv.line(), bad->column, bad->reason}, joined(f)});
            continue;
        }
        players.insert(l.playerId);
        out.byDate[l.date].push_back(std::move(l));
    }
    out.players = int64_t(players.size());
    return out;
}

TeamPoints readTeamPoints(const std::filesystem::path& path)
{
    CsvReader csv(path);
    std::vector<std::string> f;
    if (!csv.next(f))
        throw UsageError(path.string() + " is empty; give the team game log CSV (season,game_id,game_date,team_id,...,pts).");
    std::map<std::string, size_t> col;
    for (size_t i = 0; i < f.size(); ++i)
        col[f[i]] = i;
    for (const char* c : {"game_id", "team_id", "pts"}) {
        if (!col.count(c))
            throw UsageError(path.string() + " has no column '" + c + "'; it is not a team game log CSV.");
    }
    const size_t game = col["game_id"], team = col["team_id"], pts = col["pts"];
    TeamPoints out;
    while (csv.next(f)) {
        if (f.size() <= std::max({game, team, pts}))
            continue;
        const auto id = wholeNumber(f[team]);
        const auto points = wholeNumber(f[pts]);
        if (id && points)
            out[{f[game], *id}] = *points;
    }
    return out;
}

} // namespace nbaops::sources
