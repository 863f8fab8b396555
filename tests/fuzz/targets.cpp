// The parsers of outside input as fuzz targets, and their seed corpora (see targets.h).
#include "targets.h"

#include "alerts/rules.h"
#include "cloud/auth.h"
#include "cloud/bigquery.h"
#include "cloud/settings.h"
#include "dr/manifest.h"
#include "dr/runbook.h"
#include "embedded_resources.h"
#include "health/sla.h"
#include "jobs/backfillplan.h"
#include "registry/registry.h"
#include "sim/cloud.h"
#include "sim/feedsformat.h"
#include "sim/historycsv.h"
#include "sim/league.h"
#include "sim/oddsformat.h"
#include "sim/statsformat.h"
#include "sources/balldontlie.h"
#include "sources/boxscorecsv.h"
#include "sources/espn.h"
#include "sources/nbastats.h"
#include "sources/oddsapi.h"
#include "util/date.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>

namespace nbaops::fuzz {

namespace {

std::string_view text(const uint8_t* data, size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

// The parsers that read a file get the input as one: a memory file, rewritten per input.
std::filesystem::path asFile(const uint8_t* data, size_t size)
{
    static const int fd = ::memfd_create("nbaops-fuzz", 0);
    if (fd < 0 || ::ftruncate(fd, 0) != 0 ||
        (size > 0 && ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))) {
        std::perror("nbaops-fuzz: memory file");
        std::abort();
    }
    return "/proc/self/fd/" + std::to_string(fd);
}

// JSON the product reads with nlohmann::json: a syntax error is the caller's to report (each
// reader catches parse errors and names the file), so only well-formed JSON goes on.
std::optional<nlohmann::json> json(const uint8_t* data, size_t size)
{
    auto j = nlohmann::json::parse(text(data, size), nullptr, false);
    if (j.is_discarded())
        return std::nullopt;
    return j;
}

void nbaStats(const uint8_t* d, size_t n)
{
    const auto doc = sources::StatsDocument::parse(text(d, n));
    try {
        sources::parseScoreboardV2(doc);
    } catch (const sources::PayloadError&) {
    }
    sources::parseBoxscoreTraditionalV2(doc);
}

void espn(const uint8_t* d, size_t n)
{
    sources::parseEspnScoreboard(text(d, n));
}

void balldontlie(const uint8_t* d, size_t n)
{
    try {
        sources::parseBdlGames(text(d, n));
    } catch (const sources::PayloadError&) {
    }
    sources::parseBdlStats(text(d, n));
}

void oddsApi(const uint8_t* d, size_t n)
{
    try {
        sources::parseOddsEvents(text(d, n));
    } catch (const sources::PayloadError&) {
    }
    sources::parsePlayerPointsOdds(text(d, n));
}

void boxscoreCsv(const uint8_t* d, size_t n)
{
    sources::readBoxscoreCsv(asFile(d, n));
}

void teamCsv(const uint8_t* d, size_t n)
{
    sources::readTeamPoints(asFile(d, n));
}

void registryJson(const uint8_t* d, size_t n)
{
    registry::Registry::load(text(d, n), "fuzz registry.json");
}

void alertRules(const uint8_t* d, size_t n)
{
    const std::map<std::string, std::string> env{{"HOOK", "http://127.0.0.1:9/hook"}};
    alerts::parseConfig(text(d, n), "fuzz alert_rules.json", &env);
}

void slas(const uint8_t* d, size_t n)
{
    health::parseSlas(text(d, n), "fuzz slas.json", registry::Registry::builtin());
}

void runbook(const uint8_t* d, size_t n)
{
    dr::parseRunbook("fuzz", text(d, n));
}

void manifest(const uint8_t* d, size_t n)
{
    if (const auto j = json(d, n))
        dr::manifestFromJson(*j);
}

void bigQuery(const uint8_t* d, size_t n)
{
    const auto j = json(d, n);
    if (!j)
        return;
    if (!j->is_object())
        throw std::runtime_error("not an object"); // the client refuses it before decoding
    const auto schema = cloud::parseSchema(j->value("schema", nlohmann::json::object()));
    cloud::decodeRows(schema, j->value("rows", nlohmann::json::array()));
}

void settings(const uint8_t* d, size_t n)
{
    cloud::parseSettings(std::string(text(d, n)), "fuzz settings.json");
}

void serviceAccount(const uint8_t* d, size_t n)
{
    cloud::readServiceAccount(asFile(d, n));
}

void datesFile(const uint8_t* d, size_t n)
{
    jobs::readDatesFile(asFile(d, n));
}

// The small texts a person types or a source serves: dates, instants, durations, minutes.
void scalars(const uint8_t* d, size_t n)
{
    const auto t = text(d, n);
    (void)Date::parse(t);
    (void)parseIsoUtc(t);
    try {
        (void)alerts::parseDuration(t, "fuzz");
    } catch (const std::runtime_error&) {
    }
    try {
        (void)dr::parseTarget(t);
    } catch (const std::runtime_error&) {
    }
    (void)sources::parseMinutes(nlohmann::json(std::string(t)));
    if (const auto j = json(d, n))
        (void)sources::parseMinutes(*j);
}

} // namespace

const std::vector<Target>& targets()
{
    static const std::vector<Target> all = {
        {"nbastats", "stats.nba.com documents: scoreboardv2, boxscoretraditionalv2", nbaStats, {"stats_nba_com"}},
        {"espn", "ESPN's scoreboard", espn, {"espn"}},
        {"balldontlie", "balldontlie's games and stats pages", balldontlie, {}},
        {"oddsapi", "The Odds API's events and player-points odds", oddsApi, {"the_odds_api"}},
        {"boxscore_csv", "the box-score CSV importer", boxscoreCsv, {}},
        {"team_csv", "the team game-log CSV (import --teams)", teamCsv, {}},
        {"registry", "registry.json", registryJson, {}},
        {"alert_rules", "alert_rules.json", alertRules, {}},
        {"slas", "slas.json", slas, {}},
        {"runbook", "the DR runbooks (markdown)", runbook, {}},
        {"manifest", "a backup's manifest.json", manifest, {}},
        {"bigquery", "BigQuery's query responses (schema and rows)", bigQuery, {}},
        {"settings", "settings.json", settings, {}},
        {"service_account", "a service-account key file", serviceAccount, {}},
        {"dates_file", "a backfill's dates file", datesFile, {}},
        {"scalars", "dates, instants, durations and minutes as typed or served", scalars, {}},
    };
    return all;
}

const Target* find(const std::string& name)
{
    for (const auto& t : targets())
        if (name == t.name)
            return &t;
    return nullptr;
}

int runOne(const Target& target, const uint8_t* data, size_t size)
{
    try {
        target.run(data, size);
    } catch (const std::runtime_error&) {
        // refused with the product's own error: what a parser should do with bad input
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nbaops-fuzz: %s let an error through that names no field: %s\n", target.name,
                     e.what());
        std::abort();
    }
    return 0;
}

namespace {

void put(const std::filesystem::path& dir, const std::string& name, std::string_view content, int& count)
{
    std::filesystem::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary) << content;
    ++count;
}

} // namespace

int writeSeeds(const std::filesystem::path& dir, const std::optional<std::filesystem::path>& shared)
{
    int count = 0;
    const sim::League league;
    Date day = Date::ymd(2024, 1, 9);
    while (league.gamesOn(day).empty())
        day = day.addDays(1);
    const Date today = day.addDays(30);
    const auto game = league.gamesOn(day).front();

    put(dir / "nbastats", "scoreboardv2.json", sim::scoreboardV2(league, day, today), count);
    put(dir / "nbastats", "boxscoretraditionalv2.json", sim::boxscoreTraditionalV2(league, game, today), count);
    put(dir / "espn", "scoreboard.json", sim::espnScoreboard(league, day, today), count);
    sim::BdlQuery q;
    q.date = day;
    put(dir / "balldontlie", "games.json", sim::bdlGames(league, q, today), count);
    q.perPage = 5;
    put(dir / "balldontlie", "stats.json", sim::bdlStats(league, q, today), count);
    put(dir / "oddsapi", "events.json", sim::oddsEvents(league, day), count);
    put(dir / "oddsapi", "player_points.json", sim::oddsEventPlayerPoints(league, game), count);
    std::string csv = sim::boxscoreHistoryCsv(league, day, day);
    put(dir / "boxscore_csv", "history.csv", csv, count);
    put(dir / "boxscore_csv", "bom_crlf.csv", "\xEF\xBB\xBF" + std::string(csv.substr(0, csv.find('\n'))) + "\r\n",
        count);
    put(dir / "team_csv", "teams.csv",
        "season,game_id,game_date,team_id,matchup,home,wl,w,l,w_pct,min,fgm,fga,fg_pct,fg3m,fg3a,fg3_pct,ftm,fta,"
        "ft_pct,oreb,dreb,reb,ast,stl,blk,tov,pf,pts\n"
        "2022-23,0022200001,2022-10-18,1610612738,BOS vs. PHI,1,W,1,0,1,240,46,82,0.561,12,35,0.343,22,28,0.786,6,"
        "30,36,24,8,3,10,24,126\n",
        count);
    put(dir / "registry", "registry.json", resources::registryJson(), count);
    put(dir / "alert_rules", "alert_rules.json", resources::alertRulesJson(), count);
    put(dir / "slas", "slas.json", resources::slasJson(), count);
    for (const auto& r : resources::runbooks())
        put(dir / "runbook", r.name, r.markdown, count);
    dr::Manifest m;
    m.id = "20240110T101500Z";
    m.createdAt = "2024-01-10T10:15:00.000Z";
    m.kind = "manual";
    m.schemaVersion = 15;
    m.tables = {{"processor_runs", 314, std::string(64, 'a')}};
    m.database = {"nbaops.db", 4096, std::string(64, 'b'), -1};
    m.files = {{"raw/nbastats/2024-01-09/scoreboardv2.json", 1200, std::string(64, 'c'), -1}};
    put(dir / "manifest", "manifest.json", dr::toJson(m).dump(2), count);
    put(dir / "bigquery", "query.json",
        R"({"kind":"bigquery#queryResponse","jobComplete":true,"totalRows":"2",
            "schema":{"fields":[{"name":"processor","type":"STRING","mode":"NULLABLE"},
              {"name":"records","type":"INTEGER"},{"name":"share","type":"FLOAT"},
              {"name":"ok","type":"BOOLEAN"},{"name":"at","type":"TIMESTAMP"},
              {"name":"tags","type":"STRING","mode":"REPEATED"},
              {"name":"run","type":"RECORD","fields":[{"name":"id","type":"INT64"}]}]},
            "rows":[{"f":[{"v":"player_game_summary"},{"v":"412"},{"v":"0.5"},{"v":"true"},
              {"v":"1.7048736E9"},{"v":[{"v":"a"}]},{"v":{"f":[{"v":"7"}]}}]},
              {"f":[{"v":null},{"v":null},{"v":"NaN"},{"v":"false"},{"v":null},{"v":[]},{"v":null}]}]})",
        count);
    cloud::Settings s;
    s.backend = "cloud";
    s.cloud.project = "nba-props-prod";
    put(dir / "settings", "settings.json", cloud::settingsJson(s), count);
    put(dir / "service_account", "key.json", sim::makeServiceAccountKey("http://127.0.0.1:9/token").json, count);
    put(dir / "dates_file", "dates.txt", "# the dates the box scores missed\n2024-01-09\n\n2024-01-12\n", count);
    for (const char* s2 : {"2024-01-09", "2024-01-09T04:00:00.000Z", "15m", "24 h", "36:12", "PT36M12.00S"})
        put(dir / "scalars", std::string("s") + std::to_string(count), s2, count);

    if (shared) {
        for (const auto& t : targets())
            for (const char* folder : t.sharedSeeds) {
                std::error_code ec;
                for (const auto& e : std::filesystem::directory_iterator(*shared / "fixtures" / folder, ec)) {
                    std::filesystem::create_directories(dir / t.name);
                    std::filesystem::copy_file(e.path(), dir / t.name / ("shared_" + e.path().filename().string()),
                                               std::filesystem::copy_options::overwrite_existing);
                    ++count;
                }
            }
    }
    return count;
}

} // namespace nbaops::fuzz
