#include "faults.h"

#include "util/errors.h"

#include <algorithm>
#include <charconv>

namespace nbaops::sim {

namespace {

struct KindName
{
    FaultKind kind;
    const char* name;
};
constexpr KindName kKinds[] = {
    {FaultKind::Http500, "http500"},     {FaultKind::Http503, "http503"},
    {FaultKind::Http429, "http429"},     {FaultKind::Latency, "latency"},
    {FaultKind::Hang, "hang"},           {FaultKind::Malformed, "malformed"},
    {FaultKind::Truncated, "truncated"}, {FaultKind::EmptyDay, "empty_day"},
    {FaultKind::MissingGame, "missing_game"},
};

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        const size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string_view::npos ? s.npos : at - start));
        if (at == std::string_view::npos)
            break;
        start = at + 1;
    }
    return out;
}

} // namespace

std::string_view toString(FaultKind k)
{
    for (const auto& kn : kKinds) {
        if (kn.kind == k)
            return kn.name;
    }
    return "?";
}

FaultRule FaultRule::parse(std::string_view spec)
{
    const auto fail = [&](const std::string& why) -> FaultRule {
        throw UsageError("Fault '" + std::string(spec) + "': " + why +
                         ". Write ENDPOINT:KIND[:count=N][:rate=P][:ms=N][:date=YYYY-MM-DD]"
                         "[:game=ID], KIND one of http500, http503, http429, latency, hang, "
                         "malformed, truncated, empty_day, missing_game.");
    };
    const auto parts = split(spec, ':');
    if (parts.size() < 2 || parts[0].empty())
        return fail("an endpoint and a kind are needed");
    FaultRule r;
    r.endpoint = std::string(parts[0]);
    if (std::find(kFaultEndpoints.begin(), kFaultEndpoints.end(), r.endpoint) == kFaultEndpoints.end()) {
        std::string known;
        for (const auto* e : kFaultEndpoints)
            known += (known.empty() ? "" : ", ") + std::string(e);
        return fail("unknown endpoint '" + r.endpoint + "' (endpoints: " + known + ")");
    }
    bool found = false;
    for (const auto& kn : kKinds) {
        if (parts[1] == kn.name) {
            r.kind = kn.kind;
            found = true;
        }
    }
    if (!found)
        return fail("unknown kind '" + std::string(parts[1]) + "'");
    if (r.kind == FaultKind::Hang)
        r.millis = 60000;
    if (r.kind == FaultKind::Http429)
        r.millis = 1000;
    for (size_t i = 2; i < parts.size(); ++i) {
        const auto eq = parts[i].find('=');
        if (eq == std::string_view::npos)
            return fail("option '" + std::string(parts[i]) + "' needs a value (name=value)");
        const auto key = parts[i].substr(0, eq);
        const auto value = parts[i].substr(eq + 1);
        const auto toInt = [&](int& out) {
            const auto res = std::from_chars(value.data(), value.data() + value.size(), out);
            if (res.ec != std::errc() || res.ptr != value.data() + value.size() || out < 0)
                fail("'" + std::string(key) + "' must be a whole number");
        };
        if (key == "count")
            toInt(r.remaining);
        else if (key == "ms")
            toInt(r.millis);
        else if (key == "rate") {
            try {
                r.rate = std::stod(std::string(value));
            } catch (const std::exception&) {
                return fail("'rate' must be a number from 0 to 1");
            }
            if (r.rate < 0 || r.rate > 1)
                return fail("'rate' must be a number from 0 to 1");
        } else if (key == "date")
            r.date = Date::parseOrThrow(value, "The fault's date");
        else if (key == "game")
            r.gameId = std::string(value);
        else
            return fail("unknown option '" + std::string(key) + "'");
    }
    return r;
}

std::string FaultRule::describe() const
{
    std::string s = endpoint + ":" + std::string(toString(kind));
    if (remaining >= 0)
        s += ":count=" + std::to_string(remaining);
    if (rate < 1.0)
        s += ":rate=" + std::to_string(rate);
    if (millis > 0)
        s += ":ms=" + std::to_string(millis);
    if (date)
        s += ":date=" + date->iso();
    if (!gameId.empty())
        s += ":game=" + gameId;
    return s;
}

} // namespace nbaops::sim
