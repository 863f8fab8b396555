#include "sla.h"

#include "facts.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/text.h"

#include <embedded_resources.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace nbaops::health {

namespace {

UsageError slaError(const std::string& source, const std::string& where, const std::string& what)
{
    return UsageError(source + ": " + where + ": " + what + ". Fix the file, or remove it to use the built-in SLAs.");
}

double fraction(const nlohmann::json& j, const char* key, double fallback, const std::string& source,
                const std::string& where)
{
    if (!j.contains(key))
        return fallback;
    if (!j[key].is_number())
        throw slaError(source, where, std::string("'") + key + "' must be a number from 0 to 1");
    const double v = j[key].get<double>();
    if (!(v > 0 && v <= 1))
        throw slaError(source, where, std::string("'") + key + "' must be above 0 and at most 1, not " + j[key].dump());
    return v;
}

struct Window
{
    Date from, until;
};

TimePoint deadlineOf(const registry::Registry& reg, std::string_view processor, Date date, int hour, int minute)
{
    if (const auto* spec = reg.find(processor))
        return easternTime(date.addDays(1), spec->slaHour, spec->slaMinute);
    return easternTime(date.addDays(1), hour, minute);
}

std::string hhmm(int h, int m)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
    return buf;
}

using Dates = std::vector<facts::DateCompleteness>; // the window's dates with final games

std::vector<SlaDay> completenessDays(const registry::Registry& reg, const SlaDefinition& d, const Dates& dates,
                                     TimePoint now)
{
    std::vector<SlaDay> out;
    for (const auto& g : dates) {
        SlaDay day{g.date, "met", double(g.collected) / double(g.scheduled), ""};
        day.detail = std::to_string(g.collected) + " of " + std::to_string(g.scheduled) + " final games have box scores";
        if (day.value < d.target) {
            const bool due = now > deadlineOf(reg, "player_game_summary", *Date::parse(g.date), 6, 0);
            day.state = due ? "missed" : "pending";
        }
        out.push_back(std::move(day));
    }
    return out;
}

std::vector<SlaDay> publishDays(store::Database& db, const SlaDefinition& d, const Dates& dates, Window w, TimePoint now)
{
    std::map<std::string, std::string> first;
    auto st = db.prepare("SELECT game_date, min(finished_at) FROM processor_runs WHERE processor = ? AND status = 'success'"
                         " AND game_date BETWEEN ? AND ? GROUP BY game_date");
    st.bindAll(d.processor, w.from.iso(), w.until.iso());
    while (st.step())
        first[st.getText(0)] = st.getText(1);
    std::vector<SlaDay> out;
    for (const auto& g : dates) {
        const std::string& date = g.date;
        const TimePoint deadline = easternTime(Date::parse(date)->addDays(1), d.byHour, d.byMinute);
        SlaDay day{date, "met", 0, ""};
        const auto it = first.find(date);
        const auto finished = it == first.end() ? std::nullopt : parseIsoUtc(it->second);
        if (finished) {
            day.value = std::chrono::duration<double>(*finished - deadline).count() / 60.0;
            day.state = *finished <= deadline ? "met" : "missed";
            const int late = int(std::lround(std::abs(day.value)));
            day.detail = "published " + formatEastern(*finished) + ", " + std::to_string(late) + " min " +
                         (day.value <= 0 ? "before " : "after ") + hhmm(d.byHour, d.byMinute);
        } else {
            day.state = now > deadline ? "missed" : "pending";
            day.value = std::max(0.0, std::chrono::duration<double>(now - deadline).count() / 60.0);
            day.detail = "not published yet (due " + formatEastern(deadline) + ")";
        }
        out.push_back(std::move(day));
    }
    return out;
}

std::vector<SlaDay> predictionDays(store::Database& db, const registry::Registry& reg, const SlaDefinition& d,
                                   const Dates& dates, Window w, TimePoint now)
{
    std::map<std::string, int64_t> expected, predicted;
    auto fs = db.prepare("SELECT game_date, count(*) FROM ml_feature_store WHERE game_date BETWEEN ? AND ? GROUP BY game_date");
    fs.bindAll(w.from.iso(), w.until.iso());
    while (fs.step())
        expected[fs.getText(0)] = fs.getInt(1);
    auto ps = db.prepare("SELECT game_date, count(DISTINCT player_id) FROM player_prop_predictions"
                         " WHERE game_date BETWEEN ? AND ? GROUP BY game_date");
    ps.bindAll(w.from.iso(), w.until.iso());
    while (ps.step())
        predicted[ps.getText(0)] = ps.getInt(1);
    std::vector<SlaDay> out;
    for (const auto& g : dates) {
        const std::string& date = g.date;
        SlaDay day{date, "met", 0, ""};
        const int64_t want = expected.count(date) ? expected.at(date) : 0;
        const int64_t have = predicted.count(date) ? predicted.at(date) : 0;
        const bool due = now > deadlineOf(reg, "player_prop_predictions", *Date::parse(date), 11, 45);
        if (want == 0) {
            day.state = due ? "missed" : "pending";
            day.detail = "no feature rows to predict from (phase 4 has not run for the date)";
        } else {
            day.value = std::min(1.0, double(have) / double(want));
            day.detail = std::to_string(have) + " of " + std::to_string(want) + " players predicted";
            if (day.value < d.target)
                day.state = due ? "missed" : "pending";
        }
        out.push_back(std::move(day));
    }
    return out;
}

SlaCompliance complianceOf(const std::vector<SlaDay>& days, Date since, double objective)
{
    SlaCompliance c;
    c.objective = objective;
    for (const auto& d : days) {
        if (d.date < since.iso())
            continue;
        c.met += d.state == "met";
        c.missed += d.state == "missed";
        c.pending += d.state == "pending";
    }
    if (c.met + c.missed > 0)
        c.rate = double(c.met) / double(c.met + c.missed);
    return c;
}

std::string complianceText(const SlaCompliance& c)
{
    if (!c.rate)
        return "no decided day";
    return percentText(*c.rate) + " (" + std::to_string(c.met) + " of " + std::to_string(c.met + c.missed) + " days)";
}

// A text field of an SLA: its default when absent, refused by name when not a string.
std::string textField(const nlohmann::json& j, const char* key, const std::string& fallback, const std::string& source,
                      const std::string& where)
{
    if (!j.contains(key))
        return fallback;
    if (!j[key].is_string())
        throw slaError(source, where, std::string("\"") + key + "\" must be a string");
    return j[key].get<std::string>();
}

std::string_view kindName(SlaKind k)
{
    switch (k) {
    case SlaKind::Completeness: return "completeness";
    case SlaKind::PublishBy: return "publish_by";
    case SlaKind::PredictionRate: return "prediction_rate";
    }
    return "completeness";
}

} // namespace

bool SlaCompliance::ok() const
{
    return !rate || *rate + 1e-9 >= objective;
}

std::vector<SlaDefinition> parseSlas(std::string_view json, const std::string& source, const registry::Registry& reg)
{
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(json);
    } catch (const nlohmann::json::parse_error& e) {
        throw slaError(source, "byte " + std::to_string(e.byte), "not valid JSON");
    } catch (const nlohmann::json::exception& e) { // a number too large for a double
        throw slaError(source, "top level", std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object() || !root.contains("slas") || !root["slas"].is_array())
        throw slaError(source, "top level", "expected an object with an \"slas\" array");
    std::vector<SlaDefinition> out;
    for (size_t i = 0; i < root["slas"].size(); ++i) {
        const auto& j = root["slas"][i];
        std::string where = "slas[" + std::to_string(i) + "]";
        if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty())
            throw slaError(source, where, "every SLA needs an \"id\" string");
        SlaDefinition d;
        d.id = j["id"].get<std::string>();
        where = "SLA '" + d.id + "'";
        for (const auto& other : out) {
            if (other.id == d.id)
                throw slaError(source, where, "the id is used twice");
        }
        d.name = textField(j, "name", d.id, source, where);
        d.description = textField(j, "description", "", source, where);
        const std::string kind = textField(j, "kind", "", source, where);
        if (kind == "completeness")
            d.kind = SlaKind::Completeness;
        else if (kind == "publish_by")
            d.kind = SlaKind::PublishBy;
        else if (kind == "prediction_rate")
            d.kind = SlaKind::PredictionRate;
        else
            throw slaError(source, where, "kind '" + kind + "' is not completeness, publish_by or prediction_rate");
        d.target = fraction(j, "target", 1.0, source, where);
        d.objective = fraction(j, "objective", 0.95, source, where);
        if (d.kind == SlaKind::PublishBy) {
            d.processor = textField(j, "processor", "", source, where);
            if (!reg.find(d.processor))
                throw slaError(source, where, "processor '" + d.processor + "' is not in the registry");
            const std::string by = textField(j, "by", "", source, where);
            int h = -1, m = -1;
            char tail = 0;
            if (std::sscanf(by.c_str(), "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
                throw slaError(source, where, "'by' must be a time HH:MM (US Eastern), not '" + by + "'");
            d.byHour = h;
            d.byMinute = m;
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<SlaDefinition> loadSlas(const std::filesystem::path& dbPath, const registry::Registry& reg)
{
    const auto user = dbPath.parent_path() / "slas.json";
    if (std::filesystem::exists(user))
        return parseSlas(readFile(user), user.string(), reg);
    return parseSlas(resources::slasJson(), "built-in SLAs", reg);
}

SlaReport slaReport(store::Database& db, const registry::Registry& reg, const std::vector<SlaDefinition>& defs,
                    std::optional<Date> until, TimePoint now)
{
    const auto t0 = std::chrono::steady_clock::now();
    SlaReport rep;
    if (!until) {
        auto st = db.prepare("SELECT max(game_date) FROM game_schedule WHERE game_status = 3");
        if (st.step() && !st.isNull(0))
            until = Date::parse(st.getText(0));
    }
    if (until)
        rep.until = until->iso();
    for (const auto& def : defs) {
        SlaStatus s;
        s.def = def;
        if (until) {
            Window w{until->addDays(-29), *until};
            // Only the dates since the responsible processor first ran count: history imported
            // before the pipeline took over was never its to meet.
            const std::string owner = def.kind == SlaKind::PublishBy       ? def.processor
                                      : def.kind == SlaKind::Completeness ? std::string("player_game_summary")
                                                                          : std::string("player_prop_predictions");
            auto first = db.prepare("SELECT min(game_date) FROM processor_runs WHERE processor = ?");
            first.bindAll(owner);
            Dates dates;
            if (first.step() && !first.isNull(0)) {
                w.from = std::max(w.from, *Date::parse(first.getText(0)));
                dates = facts::completeness(db, w.from, w.until);
            } else {
                s.summary = def.name + ": " + owner + " has never run, so there is nothing to measure yet";
            }
            switch (def.kind) {
            case SlaKind::Completeness: s.days = completenessDays(reg, def, dates, now); break;
            case SlaKind::PublishBy: s.days = publishDays(db, def, dates, w, now); break;
            case SlaKind::PredictionRate: s.days = predictionDays(db, reg, def, dates, w, now); break;
            }
            s.last7 = complianceOf(s.days, until->addDays(-6), def.objective);
            s.last30 = complianceOf(s.days, until->addDays(-29), def.objective);
        }
        if (!s.last30.rate)
            s.state = "no_data";
        else if (!s.last30.ok())
            s.state = "breached";
        else if (!s.last7.ok())
            s.state = "at_risk";
        else
            s.state = "met";
        if (s.summary.empty())
            s.summary = def.name + ": 7 days " + complianceText(s.last7) + ", 30 days " + complianceText(s.last30) +
                    "; objective " + percentText(def.objective) + " of days";
        rep.slas.push_back(std::move(s));
    }
    rep.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return rep;
}

nlohmann::json toJson(const SlaReport& r)
{
    auto compliance = [](const SlaCompliance& c) {
        return nlohmann::json{{"met", c.met}, {"missed", c.missed}, {"pending", c.pending},
                              {"rate", c.rate ? nlohmann::json(*c.rate) : nlohmann::json(nullptr)}, {"ok", c.ok()}};
    };
    nlohmann::json slas = nlohmann::json::array();
    for (const auto& s : r.slas) {
        nlohmann::json days = nlohmann::json::array();
        for (const auto& d : s.days)
            days.push_back({{"date", d.date}, {"state", d.state}, {"value", d.value}, {"detail", d.detail}});
        nlohmann::json j{{"id", s.def.id},
                         {"name", s.def.name},
                         {"kind", kindName(s.def.kind)},
                         {"description", s.def.description},
                         {"objective", s.def.objective},
                         {"state", s.state},
                         {"summary", s.summary},
                         {"last_7_days", compliance(s.last7)},
                         {"last_30_days", compliance(s.last30)},
                         {"days", days}};
        if (s.def.kind == SlaKind::PublishBy) {
            j["processor"] = s.def.processor;
            j["by"] = hhmm(s.def.byHour, s.def.byMinute);
        } else {
            j["target"] = s.def.target;
        }
        slas.push_back(std::move(j));
    }
    return {{"until", r.until}, {"slas", slas}, {"elapsed_ms", r.elapsedMs}};
}

std::string toText(const SlaReport& r)
{
    std::ostringstream out;
    if (r.until.empty()) {
        out << "No final games yet: the SLAs have nothing to measure. Run the pipeline for a date with games first.\n";
        return out.str();
    }
    out << "SLAs up to " << r.until << " (7 and 30 days of game dates)\n";
    for (const auto& s : r.slas) {
        out << "\n  " << s.def.name << "  [" << s.state << "]\n    " << s.def.description << "\n    7 days: "
            << complianceText(s.last7) << "   30 days: " << complianceText(s.last30) << "   objective: "
            << percentText(s.def.objective) << " of days\n";
        int shown = 0;
        for (auto it = s.days.rbegin(); it != s.days.rend() && shown < 5; ++it) {
            if (it->state == "met")
                continue;
            out << "    " << it->date << "  " << it->state << ": " << it->detail << "\n";
            ++shown;
        }
    }
    return out.str();
}

} // namespace nbaops::health
