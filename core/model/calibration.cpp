#include "calibration.h"

#include "evaluate.h"
#include "sources/teams.h"
#include "store/database.h"
#include "util/errors.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace nbaops::model {

std::string minutesBucket(const Example& e)
{
    const double m = e.x[features::ix("min_season")].value_or(0);
    return m < 15 ? "<15" : (m <= 30 ? "15-30" : ">30");
}

namespace {

const char* const kBuckets[] = {"<15", "15-30", ">30"};

std::vector<float> quantilesOf(std::vector<float> v)
{
    std::sort(v.begin(), v.end());
    std::vector<float> q(Calibration::kLevels);
    const double last = double(v.size() - 1);
    for (int k = 0; k < Calibration::kLevels; ++k) {
        const double at = last * double(k + 1) / 100.0;
        const auto lo = size_t(std::floor(at));
        const size_t hi = std::min(lo + 1, v.size() - 1);
        q[size_t(k)] = float(double(v[lo]) + (at - double(lo)) * double(v[hi] - v[lo]));
    }
    return q;
}

int bandOf(const std::vector<double>& edges, double predicted)
{
    return int(std::upper_bound(edges.begin(), edges.end(), predicted) - edges.begin());
}

double clampP(double p) { return std::clamp(p, 0.005, 0.995); }

} // namespace

Calibration Calibration::fit(const std::vector<const Example*>& rows, const std::vector<float>& predicted)
{
    if (int64_t(rows.size()) < kMinRows || rows.size() != predicted.size())
        throw OpsError("calibrating P(over) needs at least " + std::to_string(kMinRows) +
                       " validation rows, there are " + std::to_string(rows.size()) + "; widen --valid-until");
    Calibration c;
    // Five bands of about as many predictions each, their edges on half points.
    std::vector<float> sorted = predicted;
    std::sort(sorted.begin(), sorted.end());
    for (int k = 1; k < 5; ++k) {
        const double edge = std::round(2.0 * double(sorted[sorted.size() * size_t(k) / 5])) / 2.0;
        if (c.m_edges.empty() || edge > c.m_edges.back())
            c.m_edges.push_back(edge);
    }
    std::map<std::pair<std::string, int>, std::vector<float>> cells;
    std::map<std::string, std::vector<float>> buckets;
    std::vector<float> all;
    for (size_t i = 0; i < rows.size(); ++i) {
        const float r = rows[i]->points - predicted[i];
        const std::string m = minutesBucket(*rows[i]);
        cells[{m, bandOf(c.m_edges, predicted[i])}].push_back(r);
        buckets[m].push_back(r);
        all.push_back(r);
    }
    for (const auto& [key, v] : cells)
        if (int64_t(v.size()) >= kMinRows)
            c.m_cells.push_back({key.first, key.second, int64_t(v.size()), quantilesOf(v)});
    for (const auto& [m, v] : buckets)
        if (int64_t(v.size()) >= kMinRows)
            c.m_cells.push_back({m, -1, int64_t(v.size()), quantilesOf(v)});
    c.m_cells.push_back({"", -1, int64_t(all.size()), quantilesOf(all)});
    return c;
}

const Calibration::Cell& Calibration::cellFor(const std::string& minutes, double predicted) const
{
    const int band = bandOf(m_edges, predicted);
    const Cell* bucket = nullptr;
    for (const auto& cell : m_cells) {
        if (cell.minutes == minutes && cell.band == band)
            return cell;
        if (cell.minutes == minutes && cell.band == -1)
            bucket = &cell;
    }
    return bucket ? *bucket : m_cells.back();
}

double Calibration::pOver(const std::string& minutes, double predicted, double line) const
{
    const auto& q = cellFor(minutes, predicted).quantiles;
    const double t = line - predicted; // over when the residual is above this
    if (t < double(q.front()))
        return clampP(1.0); // past the 1% quantile: the tails are not known finer than this
    if (t >= double(q.back()))
        return clampP(0.0);
    // The last quantile not above t, and the first above it: F(t) between their levels.
    const auto hi = std::upper_bound(q.begin(), q.end(), float(t));
    const auto k = size_t(hi - q.begin()) - 1;
    const double span = double(q[k + 1] - q[k]);
    const double level = (double(k + 1) + (span > 0 ? (t - double(q[k])) / span : 0.0)) / 100.0;
    return clampP(1.0 - level);
}

double Calibration::pOver(const Example& e, double predicted, double line) const
{
    return pOver(minutesBucket(e), predicted, line);
}

nlohmann::json Calibration::toJson() const
{
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : m_cells)
        cells.push_back({{"minutes", c.minutes}, {"band", c.band}, {"rows", c.rows}, {"quantiles", c.quantiles}});
    return {{"definition", "quantiles (1% to 99%) of actual - predicted points on the validation window, by minutes "
                           "bucket and prediction band"},
            {"band_edges", m_edges},
            {"cells", cells}};
}

std::optional<Calibration> Calibration::fromJson(const nlohmann::json& j)
{
    try {
        if (!j.is_object() || !j.contains("cells"))
            return std::nullopt;
        Calibration c;
        c.m_edges = j.at("band_edges").get<std::vector<double>>();
        for (const auto& cell : j.at("cells")) {
            Cell x{cell.at("minutes").get<std::string>(), cell.at("band").get<int>(), cell.at("rows").get<int64_t>(),
                   cell.at("quantiles").get<std::vector<float>>()};
            if (int(x.quantiles.size()) != kLevels || !std::is_sorted(x.quantiles.begin(), x.quantiles.end()))
                return std::nullopt;
            c.m_cells.push_back(std::move(x));
        }
        if (c.m_cells.empty() || !c.m_cells.back().minutes.empty() || c.m_cells.back().band != -1)
            return std::nullopt;
        return c;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

double impliedProbability(int odds)
{
    if (odds < 0)
        return double(-odds) / double(-odds + 100);
    return 100.0 / double(odds + 100);
}

namespace {

struct Graded
{
    double p = 0;   // P(over)
    bool over = false;
    std::optional<double> market; // the price's P(over), de-vigged
};

OverUnder summarise(std::string lines, std::string definition, int64_t withLine, const std::vector<Graded>& g)
{
    OverUnder o;
    o.lines = std::move(lines);
    o.lineDefinition = std::move(definition);
    o.withLine = withLine;
    o.graded = int64_t(g.size());
    o.reliability.resize(10);
    for (int b = 0; b < 10; ++b) {
        o.reliability[size_t(b)].from = b / 10.0;
        o.reliability[size_t(b)].to = (b + 1) / 10.0;
    }
    const char* names[] = {"<5%", "5-10%", "10-20%", ">=20%"};
    for (const char* n : names)
        o.byConfidence.push_back({n, 0, 0, 0, {0, 0}});
    double brier = 0, ll = 0, mb = 0, mll = 0, pb = 0, pll = 0;
    const auto logLoss = [](double p, bool over) { return -std::log(over ? p : 1 - p); };
    for (const auto& x : g) {
        const double y = x.over ? 1.0 : 0.0;
        brier += (x.p - y) * (x.p - y);
        ll += logLoss(x.p, x.over);
        auto& bin = o.reliability[size_t(std::min(9, int(x.p * 10)))];
        ++bin.n;
        bin.meanPredicted += x.p;
        bin.observed += y;
        const double conf = std::abs(x.p - 0.5);
        if (conf > 0) {
            auto& band = o.byConfidence[conf < 0.05 ? 0 : conf < 0.10 ? 1 : conf < 0.20 ? 2 : 3];
            ++band.n;
            band.hits += (x.p > 0.5) == x.over ? 1 : 0;
        }
        if (x.market) {
            ++o.priced;
            const double m = clampP(*x.market);
            mb += (m - y) * (m - y);
            mll += logLoss(m, x.over);
            pb += (x.p - y) * (x.p - y);
            pll += logLoss(x.p, x.over);
        }
    }
    if (!g.empty()) {
        o.brier = brier / double(g.size());
        o.logLoss = ll / double(g.size());
    }
    for (auto& bin : o.reliability)
        if (bin.n > 0) {
            bin.meanPredicted /= double(bin.n);
            bin.observed /= double(bin.n);
        }
    for (auto& band : o.byConfidence) {
        band.hitRate = band.n > 0 ? double(band.hits) / double(band.n) : 0.0;
        band.ci95 = wilson(band.hits, band.n);
    }
    if (o.priced > 0) {
        o.marketBrier = mb / double(o.priced);
        o.marketLogLoss = mll / double(o.priced);
        o.modelBrierOnPriced = pb / double(o.priced);
        o.modelLogLossOnPriced = pll / double(o.priced);
    }
    return o;
}

} // namespace

std::optional<OverUnder> overUnderOnOdds(store::Database& db, const std::vector<const Example*>& rows,
                                         const std::vector<float>& predicted, const Calibration& calibration)
{
    if (rows.empty())
        return std::nullopt;
    struct Quote
    {
        double point;
        int over, under;
    };
    std::map<std::pair<std::string, std::string>, std::vector<Quote>> quotes; // (date, name key)
    auto st = db.prepare("SELECT game_date, player_name, point, over_price, under_price FROM raw_odds_player_points"
                         " WHERE game_date BETWEEN ? AND ?");
    st.bindAll(rows.front()->date.iso(), rows.back()->date.iso());
    while (st.step())
        quotes[{st.getText(0), sources::matchKey(st.getText(1))}].push_back(
            {st.getDouble(2), int(st.getInt(3)), int(st.getInt(4))});
    if (quotes.empty())
        return std::nullopt;
    int64_t withLine = 0;
    std::vector<Graded> graded;
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto it = quotes.find({rows[i]->date.iso(), sources::matchKey(rows[i]->playerName)});
        if (it == quotes.end())
            continue;
        std::vector<double> points;
        for (const auto& q : it->second)
            points.push_back(q.point);
        std::sort(points.begin(), points.end());
        const double line = points[points.size() / 2]; // the consensus, as grading uses
        ++withLine;
        if (double(rows[i]->points) == line)
            continue; // a push
        Graded x{calibration.pOver(*rows[i], predicted[i], line), double(rows[i]->points) > line, std::nullopt};
        double sum = 0;
        int books = 0;
        for (const auto& q : it->second)
            if (q.point == line && q.over != 0 && q.under != 0) {
                const double o = impliedProbability(q.over), u = impliedProbability(q.under);
                sum += o / (o + u);
                ++books;
            }
        if (books > 0)
            x.market = sum / books;
        graded.push_back(x);
    }
    if (withLine == 0)
        return std::nullopt;
    return summarise("odds", "The Odds API's consensus (median) line of the day; prices de-vigged per bookmaker",
                     withLine, graded);
}

OverUnder overUnderOnStandInLines(const std::vector<const Example*>& rows, const std::vector<float>& predicted,
                                  const Calibration& calibration)
{
    std::vector<Graded> graded;
    int64_t withLine = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto season = rows[i]->x[features::ix("pts_season")];
        if (!season)
            continue;
        const double line = std::floor(*season) + 0.5;
        ++withLine;
        graded.push_back({calibration.pOver(*rows[i], predicted[i], line), double(rows[i]->points) > line, std::nullopt});
    }
    return summarise("stand-in",
                     "no bookmaker lines in the window: a stand-in line per player-game, his season-to-date points "
                     "per game rounded down plus a half point",
                     withLine, graded);
}

nlohmann::json OverUnder::toJson() const
{
    nlohmann::json bins = nlohmann::json::array();
    for (const auto& b : reliability)
        bins.push_back({{"from", b.from}, {"to", b.to}, {"n", b.n}, {"mean_predicted", b.meanPredicted},
                        {"observed", b.observed}});
    nlohmann::json bands = nlohmann::json::array();
    for (const auto& b : byConfidence)
        bands.push_back({{"confidence", b.name}, {"n", b.n}, {"hits", b.hits}, {"hit_rate", b.hitRate},
                         {"hit_rate_ci95", {b.ci95.first, b.ci95.second}}});
    nlohmann::json j = {{"lines", lines},
                        {"line_definition", lineDefinition},
                        {"with_line", withLine},
                        {"graded", graded},
                        {"brier", brier},
                        {"log_loss", logLoss},
                        {"naive_brier", naiveBrier},
                        {"naive_log_loss", naiveLogLoss},
                        {"priced", priced},
                        {"reliability", bins},
                        {"by_confidence", bands}};
    if (marketBrier) {
        j["market"] = {{"brier", *marketBrier},
                       {"log_loss", *marketLogLoss},
                       {"model_brier", *modelBrierOnPriced},
                       {"model_log_loss", *modelLogLossOnPriced}};
    }
    return j;
}

std::optional<OverUnder> OverUnder::fromJson(const nlohmann::json& j)
{
    try {
        if (!j.is_object())
            return std::nullopt;
        OverUnder o;
        o.lines = j.at("lines").get<std::string>();
        o.lineDefinition = j.value("line_definition", "");
        o.withLine = j.value("with_line", int64_t(0));
        o.graded = j.value("graded", int64_t(0));
        o.brier = j.value("brier", 0.0);
        o.logLoss = j.value("log_loss", 0.0);
        o.priced = j.value("priced", int64_t(0));
        for (const auto& b : j.at("reliability"))
            o.reliability.push_back({b.at("from").get<double>(), b.at("to").get<double>(), b.at("n").get<int64_t>(),
                                     b.at("mean_predicted").get<double>(), b.at("observed").get<double>()});
        for (const auto& b : j.at("by_confidence"))
            o.byConfidence.push_back({b.at("confidence").get<std::string>(), b.at("n").get<int64_t>(),
                                      b.at("hits").get<int64_t>(), b.at("hit_rate").get<double>(),
                                      {b.at("hit_rate_ci95").at(0).get<double>(), b.at("hit_rate_ci95").at(1).get<double>()}});
        if (j.contains("market")) {
            const auto& m = j["market"];
            o.marketBrier = m.at("brier").get<double>();
            o.marketLogLoss = m.at("log_loss").get<double>();
            o.modelBrierOnPriced = m.at("model_brier").get<double>();
            o.modelLogLossOnPriced = m.at("model_log_loss").get<double>();
        }
        return o;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

} // namespace nbaops::model
