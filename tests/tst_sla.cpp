// SLAs and the readiness scorecard: definitions parsed with their mistakes named, compliance
// measured on the demo's nights (with its injected faults) and moved by changes to the facts,
// and a scorecard whose total is the weighted sum of items scored from those facts.
#include "alerts/rules.h"
#include "alerts/signals.h"
#include "health/sla.h"
#include "pipeline/runner.h"
#include "readiness/readiness.h"
#include "registry/registry.h"
#include "store/database.h"
#include "embedded_resources.h"
#include "testutil.h"
#include "util/errors.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace nbaops;

namespace {

const health::SlaStatus& find(const health::SlaReport& r, const std::string& id)
{
    const auto it = std::find_if(r.slas.begin(), r.slas.end(), [&](const auto& s) { return s.def.id == id; });
    if (it == r.slas.end())
        throw std::runtime_error("no SLA " + id);
    return *it;
}

const health::SlaDay* dayOf(const health::SlaStatus& s, const std::string& date)
{
    for (const auto& d : s.days) {
        if (d.date == date)
            return &d;
    }
    return nullptr;
}

QString parseError(const std::string& json)
{
    try {
        health::parseSlas(json, "slas.json", registry::Registry::builtin());
    } catch (const UsageError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestSla : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::filesystem::path m_db;
    // After the demo's last night, in the morning's light.
    const TimePoint m_now = easternTime(Date::ymd(2024, 1, 22), 12, 0);

    health::SlaReport report(store::Database& db)
    {
        const auto& reg = registry::Registry::builtin();
        return health::slaReport(db, reg, health::loadSlas(m_db, reg), std::nullopt, m_now);
    }
    readiness::Scorecard scorecard(store::Database& db)
    {
        return readiness::score({db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(), m_db, m_now});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = std::filesystem::path(m_dir.path().toStdString()) / "demo.db";
        test::buildDemoDatabase(m_db);
    }

    void definitionsNameTheirMistakes()
    {
        const auto builtin = health::parseSlas(R"({"slas": [{"id": "a", "kind": "completeness", "target": 0.995},
            {"id": "b", "kind": "publish_by", "processor": "publish_predictions", "by": "07:30"}]})",
                                               "x", registry::Registry::builtin());
        QCOMPARE(builtin.size(), size_t(2));
        QCOMPARE(builtin[1].byHour, 7);
        QCOMPARE(builtin[1].byMinute, 30);
        QCOMPARE(builtin[0].objective, 0.95);
        QVERIFY(parseError("{").contains(u"not valid JSON"));
        QVERIFY(parseError(R"({"slas": [{"id": "a", "kind": "uptime"}]})").contains(u"kind 'uptime'"));
        QVERIFY(parseError(R"({"slas": [{"id": "a", "kind": "publish_by", "processor": "nope", "by": "07:00"}]})")
                    .contains(u"'nope' is not in the registry"));
        QVERIFY(parseError(R"({"slas": [{"id": "a", "kind": "publish_by", "processor": "publish_predictions", "by": "7am"}]})")
                    .contains(u"HH:MM"));
        QVERIFY(parseError(R"({"slas": [{"id": "a", "kind": "completeness", "target": 99.5}]})").contains(u"at most 1"));
        QVERIFY(parseError(R"({"slas": [{"id": "a", "kind": "completeness"}, {"id": "a", "kind": "completeness"}]})")
                    .contains(u"used twice"));
        const QString msg = parseError(R"({"slas": [{"kind": "completeness"}]})");
        QVERIFY2(msg.startsWith(u"slas.json: slas[0]") && msg.contains(u"remove it"), qPrintable(msg));
    }

    void complianceOnTheDemoNights()
    {
        auto db = store::Database::open(m_db, store::Database::Mode::ReadOnly);
        const auto r = report(db);
        QCOMPARE(QString::fromStdString(r.until), QStringLiteral("2024-01-20"));
        QCOMPARE(r.slas.size(), size_t(3));
        for (const auto& s : r.slas) {
            QVERIFY2(!s.days.empty(), s.def.id.c_str());
            // Compliance is the decided days that met the SLA, and the states add up.
            QCOMPARE(s.last30.met + s.last30.missed + s.last30.pending, int(s.days.size()));
            if (s.last30.rate)
                QVERIFY(std::abs(*s.last30.rate - double(s.last30.met) / (s.last30.met + s.last30.missed)) < 1e-12);
            QVERIFY(s.last7.met + s.last7.missed + s.last7.pending <= 7);
        }
        // The demo's date whose box scores hung while balldontlie was down too has none:
        // phase 3 completeness misses it, and nothing is predicted or published for it.
        const auto& c = find(r, "phase3_completeness");
        const auto missed = std::find_if(c.days.begin(), c.days.end(), [](const auto& d) { return d.state == "missed"; });
        QVERIFY2(missed != c.days.end(), "the demo's box-score outage is not a missed completeness day");
        QVERIFY2(QString::fromStdString(missed->detail).contains(u"0 of"), missed->detail.c_str());
        QCOMPARE(QString::fromStdString(dayOf(find(r, "predictions_published"), missed->date)->state), QStringLiteral("missed"));
        QCOMPARE(QString::fromStdString(dayOf(find(r, "prediction_success"), missed->date)->state), QStringLiteral("missed"));
        const auto j = health::toJson(r);
        QCOMPARE(j["slas"].size(), size_t(3));
        QVERIFY(j["slas"][1].contains("by") && j["slas"][1]["last_7_days"].contains("rate"));
        QVERIFY(QString::fromStdString(health::toText(r)).contains(u"Predictions published by 07:00 ET"));
    }

    void aLatePublicationAndAMissingPredictionAreMisses()
    {
        const auto copy = std::filesystem::path(m_dir.path().toStdString()) / "late.db";
        std::filesystem::copy_file(m_db, copy, std::filesystem::copy_options::overwrite_existing);
        auto db = store::Database::open(copy);
        const auto before = health::slaReport(db, registry::Registry::builtin(),
                                              health::loadSlas(m_db, registry::Registry::builtin()), std::nullopt, m_now);
        const auto& pub = find(before, "predictions_published");
        const auto met = std::find_if(pub.days.begin(), pub.days.end(), [](const auto& d) { return d.state == "met"; });
        QVERIFY(met != pub.days.end());
        const std::string date = met->date;
        // Every success of the date now finished at 07:01 ET: one minute late.
        db.prepare("UPDATE processor_runs SET finished_at = ? WHERE processor = 'publish_predictions' AND game_date = ?"
                   " AND status = 'success'")
            .bindAll(toIsoUtc(easternTime(Date::parse(date)->addDays(1), 7, 1)), date)
            .run();
        // One player of the date's feature rows lost their prediction: below 98% only when the
        // date has fewer than 50 players, so take one of every 25 away instead.
        db.prepare("DELETE FROM player_prop_predictions WHERE game_date = ? AND player_id % 25 = 0").bindAll(date).run();
        const auto after = health::slaReport(db, registry::Registry::builtin(),
                                             health::loadSlas(m_db, registry::Registry::builtin()), std::nullopt, m_now);
        const auto* late = dayOf(find(after, "predictions_published"), date);
        QCOMPARE(QString::fromStdString(late->state), QStringLiteral("missed"));
        QVERIFY2(QString::fromStdString(late->detail).contains(u"1 min after 07:00"), late->detail.c_str());
        QCOMPARE(find(after, "predictions_published").last30.met, pub.last30.met - 1);
        const auto* rate = dayOf(find(after, "prediction_success"), date);
        QVERIFY2(rate->state == "missed" && rate->value < 0.98, rate->detail.c_str());
        QCOMPARE(find(after, "prediction_success").last30.missed, find(before, "prediction_success").last30.missed + 1);
    }

    void pendingBeforeTheDeadline()
    {
        auto db = store::Database::open(m_db, store::Database::Mode::ReadOnly);
        const auto& reg = registry::Registry::builtin();
        // Seen at 05:00 ET the morning after the last night, before its 07:00 deadline and
        // before the run finished: nothing of that date is decided yet.
        const auto early = health::slaReport(db, reg, health::loadSlas(m_db, reg), Date::ymd(2024, 1, 20),
                                             easternTime(Date::ymd(2024, 1, 21), 5, 0));
        const auto* d = dayOf(find(early, "predictions_published"), "2024-01-20");
        QVERIFY(d);
        QVERIFY2(d->state == "pending" || d->state == "met", d->detail.c_str());
    }

    void anSlaBelowItsObjectiveAlerts()
    {
        auto db = store::Database::open(m_db, store::Database::Mode::ReadOnly);
        const auto cfg = alerts::loadConfig(m_db);
        const auto* rule = cfg.find("sla_compliance");
        QVERIFY(rule);
        alerts::Config only = cfg;
        only.rules = {*rule};
        const auto measured = alerts::measure(only, {db, registry::Registry::builtin(),
                                                     pipeline::Runner::implementedProcessors(), m_db.parent_path(), m_now});
        QVERIFY2(measured.errors.empty(), measured.errors.empty() ? "" : measured.errors.front().c_str());
        // One condition per SLA at risk or breached, with its compliance as the value.
        const auto r = report(db);
        int expected = 0;
        for (const auto& s : r.slas)
            expected += s.state == "at_risk" || s.state == "breached";
        QVERIFY(expected >= 1); // the demo's box-score outage
        QCOMPARE(int(measured.conditions.size()), expected);
        const auto& c = measured.conditions.front();
        QVERIFY(c.value >= 0 && c.value < 0.95);
        QVERIFY2(QString::fromStdString(c.summary).contains(u"(objective 95.0%)"), c.summary.c_str());
    }

    void aWebhookAddressWrittenInTheRulesFileIsFlagged()
    {
        const auto dir = std::filesystem::path(m_dir.path().toStdString()) / "literal";
        std::filesystem::create_directories(dir);
        std::filesystem::copy_file(m_db, dir / "x.db", std::filesystem::copy_options::overwrite_existing);
        QString rules = QString::fromUtf8(resources::alertRulesJson().data(), qsizetype(resources::alertRulesJson().size()));
        rules.replace(QStringLiteral("secret:chat_webhook_url"), QStringLiteral("https://hooks.example.org/T000/B000/secret"));
        {
            QFile f(QString::fromStdString((dir / "alert_rules.json").string()));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(rules.toUtf8());
        }
        auto db = store::Database::open(dir / "x.db", store::Database::Mode::ReadOnly);
        const auto s = readiness::score({db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(),
                                         dir / "x.db", m_now});
        const auto& sec = s.categories[5].items;
        const auto it = std::find_if(sec.begin(), sec.end(), [](const auto& i) { return i.name == "Receiver secrets come from the keychain or the environment"; });
        QVERIFY(it != sec.end());
        QCOMPARE(it->points, 0.0);
        QVERIFY2(QString::fromStdString(it->evidence).contains(u"receiver 'chat'"), it->evidence.c_str());
        // The same receiver now reaches someone outside the console.
        const auto& ops = s.categories[2].items;
        const auto out = std::find_if(ops.begin(), ops.end(), [](const auto& i) { return i.name == "Alerts reach someone outside the console"; });
        QVERIFY(out != ops.end() && out->points == out->max);
    }

    void aUserFileReplacesTheBuiltInSlas()
    {
        QTemporaryDir dir;
        const auto dbPath = std::filesystem::path(dir.path().toStdString()) / "x.db";
        {
            QFile f(dir.filePath(QStringLiteral("slas.json")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"slas": [{"id": "late", "kind": "publish_by", "processor": "publish_predictions", "by": "09:00"}]})");
        }
        const auto defs = health::loadSlas(dbPath, registry::Registry::builtin());
        QCOMPARE(defs.size(), size_t(1));
        QCOMPARE(defs[0].byHour, 9);
    }

    void scorecardIsTheWeightedSumOfMeasuredItems()
    {
        const auto copy = std::filesystem::path(m_dir.path().toStdString()) / "score.db";
        std::filesystem::copy_file(m_db, copy, std::filesystem::copy_options::overwrite_existing);
        auto db = store::Database::open(copy);
        // The demo's own alerts (its retries ran out on one date) acknowledged, so the P0 below
        // is the one that moves the score.
        db.exec("UPDATE alerts SET acked_by = 'test', acked_at = '2024-01-21T12:00:00.000Z'");
        const auto& reg = registry::Registry::builtin();
        const auto score = [&] {
            return readiness::score({db, reg, pipeline::Runner::implementedProcessors(), copy, m_now});
        };
        std::filesystem::permissions(copy, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
        const auto s = score();
        int weights = 0;
        double total = 0;
        for (const auto& c : s.categories) {
            weights += c.weight;
            double got = 0, max = 0;
            for (const auto& i : c.items) {
                QVERIFY2(i.points >= 0 && i.points <= i.max, i.name.c_str());
                QVERIFY2(!i.evidence.empty(), i.name.c_str());
                QVERIFY(i.measured || i.points == 0);
                got += i.points;
                max += i.max;
            }
            QVERIFY(std::abs(c.score - 100 * got / max) < 1e-9);
            total += c.score * c.weight / 100;
        }
        QCOMPARE(weights, 100);
        QCOMPARE(s.categories.size(), size_t(6));
        QCOMPARE(QString::fromStdString(s.categories[0].name), QStringLiteral("Data Pipeline"));
        QCOMPARE(s.categories[0].weight, 25);
        QVERIFY(std::abs(s.total - total) < 1e-9);
        QVERIFY(s.measured > s.unmeasured && s.unmeasured > 0);
        QCOMPARE(s.go(), s.total >= 70);

        // Facts move the score: a P0 alert firing unacknowledged costs Operations 3 of its 20
        // points (3 of the total); closing the database to other users earns Security 3 of 10.
        db.exec("INSERT INTO alerts(fingerprint, rule, labels, group_key, severity, state, summary, active_since,"
                " evaluated_at) VALUES ('f', 'pipeline_stalled', '{}', 'g', 'P0', 'firing', 'stalled', 'x', 'x')");
        std::filesystem::permissions(copy, std::filesystem::perms::others_read, std::filesystem::perm_options::remove);
        const auto t = score();
        QVERIFY2(std::abs((t.categories[2].score - s.categories[2].score) + 15.0) < 1e-9,
                 qPrintable(QString::number(t.categories[2].score)));
        QVERIFY(std::abs((t.categories[5].score - s.categories[5].score) - 30.0) < 1e-9);
        QVERIFY(std::abs((t.total - s.total) - 0.0) < 1e-9); // -3 + 3
        const auto j = readiness::toJson(t);
        QCOMPARE(j["categories"].size(), size_t(6));
        QVERIFY(j["decision"] == "go" || j["decision"] == "no-go");
        QVERIFY(QString::fromStdString(readiness::toText(t)).contains(u"[n/m]"));
    }
};

QTEST_GUILESS_MAIN(TestSla)
#include "tst_sla.moc"
