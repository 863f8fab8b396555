// Cloud mode's clients against the simulated Google Cloud on loopback (core/sim/cloud), in
// Google's documented shapes: the service-account JWT (its signature checked with the key's
// public half), the token exchange and its cache, BigQuery's jobs.query and getQueryResults
// (pages, a job not complete at first, an expired token, 403 with its reason, 5xx and rate
// limits), the decoding of rows by their schema, dry runs and the cost cap, insertAll, the
// settings file, and the gcloud fallback.
#include "cloud/auth.h"
#include "cloud/bigquery.h"
#include "cloud/settings.h"
#include "jobs/backend.h"
#include "jobs/backfill.h"
#include "jobs/backfillplan.h"
#include "registry/registry.h"
#include "jobs/cloudsync.h"
#include "sim/cloud.h"
#include "store/database.h"
#include "testutil.h"
#include "util/base64.h"
#include "util/errors.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <set>
#include <tuple>

using namespace nbaops;

namespace {

const std::vector<std::pair<std::string, int>> kProcessors = {{"nbac_schedule_scraper", 1},
                                                              {"nbac_schedule", 2},
                                                              {"player_game_summary", 3},
                                                              {"ml_feature_store", 4},
                                                              {"player_prop_predictions", 5}};

bool verifies(const std::string& publicPem, const std::string& jwt)
{
    const auto dot = jwt.rfind('.');
    const std::string input = jwt.substr(0, dot), sig = base64UrlDecode(jwt.substr(dot + 1));
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(publicPem.data(), int(publicPem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return key && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()),
                            sig.size(), reinterpret_cast<const unsigned char*>(input.data()),
                            input.size()) == 1;
}

template <typename F> std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestCloud : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<sim::SimCloud> m_cloud;
    test::ServiceAccountKey m_key;
    std::filesystem::path m_keyPath;
    SystemClock m_clock;

    cloud::CloudSettings settings() const
    {
        cloud::CloudSettings s;
        s.project = "nba-props-sim";
        s.bigqueryUrl = m_cloud->bigqueryUrl();
        s.runAdminUrl = m_cloud->runAdminUrl();
        return s;
    }
    static cloud::BigQueryOptions fast()
    {
        cloud::BigQueryOptions o;
        o.backoffBase = std::chrono::milliseconds(5);
        o.jobWait = std::chrono::milliseconds(200);
        o.maxJobWait = std::chrono::seconds(20);
        return o;
    }
    static cloud::Query historyQuery(const cloud::BigQuery& bq)
    {
        return {"SELECT * FROM " + bq.table("nba_reference", "processor_run_history") +
                    " WHERE data_date BETWEEN @from_date AND @to_date ORDER BY started_at, run_id",
                {cloud::Param::date("from_date", Date::ymd(2026, 11, 1)),
                 cloud::Param::date("to_date", Date::ymd(2026, 11, 3))},
                1000};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cloud = std::make_unique<sim::SimCloud>("nba-props-sim", kProcessors);
        m_cloud->start();
        m_key = test::makeServiceAccountKey(m_cloud->tokenUrl());
        m_keyPath = test::writeServiceAccountKey(
            std::filesystem::path(m_dir.path().toStdString()) / "sa.json", m_key);
        m_cloud->trustKey(m_key.email, m_key.publicPem);
        m_cloud->generateHistory(Date::ymd(2026, 11, 1), Date::ymd(2026, 11, 3), 500);
    }

    // The JWT is RS256 over header.claims with the key's id, verifiable with the public half;
    // its claims are those of Google's service-account flow.
    void theJwtIsSignedWithTheKey()
    {
        const auto account = cloud::readServiceAccount(m_keyPath);
        QCOMPARE(account.email, m_key.email);
        const std::string jwt = cloud::signJwt(
            account,
            {{"iss", account.email}, {"aud", account.tokenUri}, {"iat", 100}, {"exp", 3700}});
        QVERIFY(verifies(m_key.publicPem, jwt));
        const auto other = test::makeServiceAccountKey(m_cloud->tokenUrl());
        QVERIFY(!verifies(other.publicPem, jwt));
        const auto header = nlohmann::json::parse(base64UrlDecode(jwt.substr(0, jwt.find('.'))));
        QCOMPARE(header.value("alg", ""), std::string("RS256"));
        QCOMPARE(header.value("kid", ""), m_key.privateKeyId);
        // A changed byte of the claims breaks the signature.
        std::string tampered = jwt;
        tampered[jwt.find('.') + 5] = tampered[jwt.find('.') + 5] == 'A' ? 'B' : 'A';
        QVERIFY(!verifies(m_key.publicPem, tampered));
    }

    // The exchange gives an access token, cached until 5 minutes before it expires; identity
    // tokens are per audience; a key the endpoint does not trust is refused with its reason.
    void tokensAreExchangedAndCached()
    {
        cloud::ServiceAccountTokens tokens(m_keyPath, m_clock);
        const std::string a = tokens.accessToken();
        QVERIFY(a.rfind("ya29.", 0) == 0);
        QCOMPARE(tokens.accessToken(), a);
        QCOMPARE(tokens.exchanges(), 1);
        const std::string id =
            tokens.identityToken(m_cloud->serviceUrl("nba-phase3-analytics-processors"));
        const auto claims = nlohmann::json::parse(
            base64UrlDecode(id.substr(id.find('.') + 1, id.rfind('.') - id.find('.') - 1)));
        QCOMPARE(claims.value("aud", ""), m_cloud->serviceUrl("nba-phase3-analytics-processors"));
        QCOMPARE(tokens.exchanges(), 2);
        QVERIFY(tokens.accessToken(true) != a);
        QCOMPARE(tokens.exchanges(), 3);

        // Tokens that expire within 5 minutes are fetched again.
        m_cloud->setTokenLifetime(120);
        cloud::ServiceAccountTokens shortLived(m_keyPath, m_clock);
        shortLived.accessToken();
        shortLived.accessToken();
        QCOMPARE(shortLived.exchanges(), 2);
        m_cloud->setTokenLifetime(3600);

        const auto stranger = test::writeServiceAccountKey(
            std::filesystem::path(m_dir.path().toStdString()) / "stranger.json",
            test::makeServiceAccountKey(m_cloud->tokenUrl(), "ghost@x.iam.gserviceaccount.com"));
        cloud::ServiceAccountTokens refused(stranger, m_clock);
        const std::string why = errorOf([&] { refused.accessToken(); });
        QVERIFY2(why.find("invalid_grant (Invalid JWT Signature.)") != std::string::npos &&
                     why.find("nbaops secrets set gcp_service_account_key") != std::string::npos,
                 why.c_str());
    }

    // Every page of a query arrives, decoded by the schema's types.
    void queriesPageAndDecodeBySchema()
    {
        m_cloud->setPageRows(300);
        cloud::ServiceAccountTokens tokens(m_keyPath, m_clock);
        cloud::BigQuery bq(settings(), tokens, fast());
        const int before = m_cloud->requests("getQueryResults");
        const auto r = bq.query(historyQuery(bq));
        QCOMPARE(r.totalRows, int64_t(1500));
        QCOMPARE(int64_t(r.rows.size()), int64_t(1500));
        QCOMPARE(r.pages, 5);
        QCOMPARE(m_cloud->requests("getQueryResults") - before, 4);
        QVERIFY(r.bytesProcessed > 0);
        std::set<std::string> ids;
        for (const auto& row : r.rows)
            ids.insert(row["run_id"].get<std::string>());
        QCOMPARE(ids.size(), size_t(1500));
        const auto& first = r.rows.front();
        QVERIFY(first["phase"].is_number_integer());
        QVERIFY(first["records_processed"].is_number_integer());
        QVERIFY(first["duration_seconds"].is_number_float());
        QVERIFY(first["data_date"].is_string());
        const std::string started = first["started_at"].get<std::string>();
        QVERIFY2(started.size() == 24 && started.back() == 'Z', started.c_str());
        QVERIFY(first["warnings"].is_array());
        QVERIFY(first["context"].is_object() && first["context"].contains("revision"));
        // Matches the simulated history row for row.
        const auto hist = m_cloud->history();
        const auto it = std::find_if(hist.begin(), hist.end(),
                                     [&](const auto& h) { return h.runId == first["run_id"]; });
        QVERIFY(it != hist.end());
        QCOMPARE(started, toIsoUtc(TimePoint(std::chrono::milliseconds(it->startedMs))));
        bool sawNull = false, sawWarnings = false;
        for (const auto& row : r.rows) {
            sawNull |= row["errors"].is_null();
            sawWarnings |= !row["warnings"].empty();
        }
        QVERIFY(sawNull && sawWarnings);
        // The query carried its values as parameters only.
        for (const auto& q : m_cloud->queriesSeen())
            QVERIFY2(q.find('\'') == std::string::npos, q.c_str());
        m_cloud->setPageRows(100000);
    }

    // A job not complete at first is polled with getQueryResults until it is (bounded).
    void anIncompleteJobIsPolled()
    {
        m_cloud->setIncompletePolls(3);
        cloud::ServiceAccountTokens tokens(m_keyPath, m_clock);
        cloud::BigQuery bq(settings(), tokens, fast());
        const auto r = bq.query(historyQuery(bq));
        QCOMPARE(r.polls, 4); // three answers "not complete", the fourth with the rows
        QCOMPARE(int64_t(r.rows.size()), int64_t(1500));
        m_cloud->setIncompletePolls(1000);
        auto o = fast();
        o.maxJobWait = std::chrono::seconds(1);
        cloud::BigQuery impatient(settings(), tokens, o);
        const std::string why = errorOf([&] { impatient.query(historyQuery(impatient)); });
        QVERIFY2(why.find("did not complete within 1 s") != std::string::npos, why.c_str());
        m_cloud->setIncompletePolls(0);
    }

    // An expired token is refreshed once and the request repeated; 5xx and rateLimitExceeded
    // are retried with backoff; 403 accessDenied is not, and its reason is shown with advice.
    void faultsAreRetriedOrExplained()
    {
        cloud::ServiceAccountTokens tokens(m_keyPath, m_clock);
        cloud::BigQuery bq(settings(), tokens, fast());
        bq.query(historyQuery(bq));
        const int issued = m_cloud->tokensIssued();
        m_cloud->expireTokens();
        auto r = bq.query(historyQuery(bq));
        QCOMPARE(r.retries, 1);
        QCOMPARE(m_cloud->tokensIssued(), issued + 1);

        const std::string queries = "/bigquery/v2/projects/nba-props-sim/queries";
        m_cloud->addFault(
            {queries, 503, "backendError", "The service is currently unavailable.", 1});
        m_cloud->addFault({queries, 403, "rateLimitExceeded",
                           "Exceeded rate limits: too many api requests per user per method", 1});
        r = bq.query(historyQuery(bq));
        QCOMPARE(r.retries, 2);
        QCOMPARE(int64_t(r.rows.size()), int64_t(1500));

        m_cloud->addFault({queries, 403, "accessDenied",
                           "Access Denied: Table "
                           "nba-props-sim:nba_reference.processor_run_history: User does not have "
                           "permission to query table",
                           1});
        try {
            bq.query(historyQuery(bq));
            QFAIL("accessDenied was not reported");
        } catch (const cloud::BigQueryError& e) {
            QCOMPARE(e.status(), 403);
            QCOMPARE(e.reason(), std::string("accessDenied"));
            const std::string m = e.what();
            QVERIFY2(m.find("User does not have permission") != std::string::npos &&
                         m.find("roles/bigquery.jobUser") != std::string::npos,
                     m.c_str());
            QVERIFY2(m.find("attempts") == std::string::npos, m.c_str()); // not retried
        }
        // Retries stop: a backend that stays down is reported after maxRetries.
        m_cloud->addFault({queries, 500, "backendError", "", 5}); // the first attempt and 4 retries
        const std::string why = errorOf([&] { bq.query(historyQuery(bq)); });
        QVERIFY2(why.find("HTTP 500 backendError") != std::string::npos &&
                     why.find("after 5 attempts") != std::string::npos,
                 why.c_str());
    }

    // The dry run prices a query; above the cap an operator's query is refused before it runs.
    void theCostCapRefusesBeforeRunning()
    {
        cloud::ServiceAccountTokens tokens(m_keyPath, m_clock);
        auto s = settings();
        cloud::BigQuery bq(s, tokens, fast());
        const auto d = bq.dryRun(historyQuery(bq));
        QCOMPARE(d.bytes, int64_t(1500 * 180));
        QVERIFY(d.usd > 0);
        s.maxBytesPerQuery = 100000;
        cloud::BigQuery capped(s, tokens, fast());
        const int before = m_cloud->requests("query");
        try {
            capped.query(historyQuery(capped), {}, true);
            QFAIL("the cap did not refuse");
        } catch (const cloud::BigQueryError& e) {
            const std::string m = e.what();
            QVERIFY2(m.find("would scan 263.7 KiB") != std::string::npos &&
                         m.find("above the cap of 97.7 KiB") != std::string::npos,
                     m.c_str());
        }
        QCOMPARE(m_cloud->requests("query") - before, 1); // the dry run only
        // Without the check, BigQuery's own maximumBytesBilled stops it.
        const std::string why = errorOf([&] { capped.query(historyQuery(capped)); });
        QVERIFY2(why.find("bytesBilledLimitExceeded") != std::string::npos, why.c_str());
    }

    // insertAll carries an insertId per row: the same rows sent twice are kept once.
    void insertAllIsIdempotent()
    {
        cloud::ServiceAccountTokens tokens(m_keyPath, m_clock);
        cloud::BigQuery bq(settings(), tokens, fast());
        const cloud::Rows rows = {
            {{"at", "2026-12-01T10:00:00.000Z"}, {"actor", "ops"}, {"action", "alerts.ack"}},
            {{"at", "2026-12-01T10:01:00.000Z"}, {"actor", "ops"}, {"action", "run.date"}}};
        const std::vector<std::string> ids = {"audit-1", "audit-2"};
        QCOMPARE(bq.insertAll("nba_reference", "console_audit", rows, ids).inserted, int64_t(2));
        QCOMPARE(bq.insertAll("nba_reference", "console_audit", rows, ids).inserted, int64_t(2));
        QCOMPARE(m_cloud->inserted("nba_reference.console_audit").size(), size_t(2));
    }

    // The settings file: defaults when absent, each wrong value named, no secret in it.
    void settingsAreCheckedAndSaved()
    {
        const auto path =
            std::filesystem::path(m_dir.path().toStdString()) / "cfg" / "settings.json";
        QCOMPARE(cloud::loadSettings(path).backend, std::string("local"));
        cloud::Settings s;
        s.backend = "cloud";
        s.cloud.project = "nba-props-prod";
        s.cloud.datasets.analytics = "nba_analytics_v2";
        s.cloud.services["nba-phase3-analytics-processors"] =
            "https://nba-phase3-analytics-processors-x7k2.a.run.app";
        cloud::saveSettings(s, path);
        const auto back = cloud::loadSettings(path);
        QCOMPARE(back.cloud.datasets.analytics, std::string("nba_analytics_v2"));
        QCOMPARE(back.cloud.services.size(), size_t(1));
        const auto bad = [](const std::string& json) {
            return errorOf([&] { cloud::parseSettings(json, "settings.json"); });
        };
        QVERIFY(bad("{\"backend\": \"remote\"}").find("backend must be local or cloud") !=
                std::string::npos);
        QVERIFY(bad("{\"cloud\": {\"project\": \"Bad_Project\"}}")
                    .find("not a Google Cloud project id") != std::string::npos);
        QVERIFY(bad("{\"cloud\": {\"datasets\": {\"reference\": \"nba-ref\"}}}")
                    .find("cloud.datasets.reference") != std::string::npos);
        QVERIFY(bad("{\"cloud\": {\"services\": {\"x\": \"http://evil.example.org\"}}}")
                    .find("https://") != std::string::npos);
        QVERIFY(bad("[1,2]").find("not a JSON object") != std::string::npos);
        QVERIFY(bad("{\"cloud\": {\"max_bytes_per_query\": \"lots\"}}").find("wrong type") !=
                std::string::npos);
    }

    // Without a key, the operator's gcloud login gives the tokens; a failing gcloud is named.
    void gcloudIsTheFallback()
    {
        const auto dir = std::filesystem::path(m_dir.path().toStdString());
        const auto script = dir / "gcloud";
        std::ofstream(script)
            << "#!/bin/sh\necho 'Updates are available for some Google Cloud CLI components.' >&2\n"
               "case \"$2\" in print-access-token) echo ya29.from-gcloud ;; "
               "print-identity-token) echo eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln ;; "
               "esac\n";
        std::filesystem::permissions(script, std::filesystem::perms::owner_all);
        cloud::GcloudTokens g(m_clock, script.string());
        QCOMPARE(g.accessToken(), std::string("ya29.from-gcloud"));
        QVERIFY(g.identityToken("https://x.run.app").rfind("eyJ", 0) == 0);
        const auto broken = dir / "gcloud-broken";
        std::ofstream(broken) << "#!/bin/sh\necho 'ERROR: (gcloud.auth.print-access-token) You do "
                                 "not currently have an active account selected.' >&2\nexit 1\n";
        std::filesystem::permissions(broken, std::filesystem::perms::owner_all);
        cloud::GcloudTokens none(m_clock, broken.string());
        const std::string why = errorOf([&] { none.accessToken(); });
        QVERIFY2(why.find("no service-account key is set") != std::string::npos &&
                     why.find("You do not currently have an active account") != std::string::npos,
                 why.c_str());
    }

    // The sync fills an empty cache, a second one changes nothing, a late run inside the
    // lookback is caught, a running run is completed, a failure is recorded.
    void theSyncIsIncrementalAndIdempotent()
    {
        cloud::ServiceAccountTokens tokens(m_keyPath, m_clock);
        cloud::BigQuery bq(settings(), tokens, fast());
        const auto path = std::filesystem::path(m_dir.path().toStdString()) / "cache1.db";
        auto db = store::Database::open(path);
        jobs::CloudSyncOptions o;
        o.now = easternTime(Date::ymd(2026, 11, 6), 9, 0);
        o.pageRows = 400;
        auto r = jobs::syncCloud(db, bq, o, {});
        QCOMPARE(r.fetched, int64_t(1500));
        QCOMPARE(r.inserted, int64_t(1500));
        QCOMPARE(r.pages, 4);
        QVERIFY(r.bytes > 0);
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs"), int64_t(1500));
        QCOMPARE(test::count(db, "SELECT sum(runs) FROM run_daily_summary"), int64_t(1500));
        const auto state = jobs::cloudSyncState(db, o.now);
        QCOMPARE(state.rowsTotal, int64_t(1500));
        QCOMPARE(state.project, std::string("nba-props-sim"));
        QVERIFY(state.ageSeconds && *state.ageSeconds == 0.0);
        // The last sync's query filtered on the partitioning column, with parameters.
        const auto sql = m_cloud->queriesSeen().back();
        QVERIFY2(sql.find("started_at >= @after_ts") != std::string::npos, sql.c_str());

        r = jobs::syncCloud(db, bq, o, {});
        QCOMPARE(r.inserted, int64_t(0));
        QCOMPARE(r.updated, int64_t(0));
        QVERIFY(r.fetched < 200); // the lookback: the last two of the night's six hours
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs"), int64_t(1500));
        QCOMPARE(test::count(db, "SELECT sum(runs) FROM run_daily_summary"), int64_t(1500));

        // A run written late, started 30 minutes before the mark, and a run still going.
        const auto hist = m_cloud->history();
        const int64_t mark =
            std::max_element(hist.begin(), hist.end(), [](const auto& a, const auto& b) {
                return a.startedMs < b.startedMs;
            })->startedMs;
        sim::CloudRun late = hist.front();
        late.runId = "late-1";
        late.startedMs = mark - 30 * 60 * 1000;
        m_cloud->appendRun(late);
        sim::CloudRun running = hist.front();
        running.runId = "running-1";
        running.startedMs = mark + 1000;
        running.status = "running";
        running.failureCategory.clear();
        running.processedMs = 0;
        m_cloud->appendRun(running);
        r = jobs::syncCloud(db, bq, o, {});
        QCOMPARE(r.inserted, int64_t(2));
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs WHERE run_id = 'running-1' "
                                 "AND failure_category IS NULL"),
                 int64_t(1));
        running.status = "success";
        running.failureCategory = "success";
        running.processedMs = mark + 9000;
        m_cloud->appendRun(running); // the history now says it finished
        r = jobs::syncCloud(db, bq, o, {});
        QCOMPARE(r.updated, int64_t(1));
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs WHERE run_id = 'running-1' "
                                 "AND status = 'success'"),
                 int64_t(1));
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs"), int64_t(1502));
        QCOMPARE(test::count(db, "SELECT sum(runs) FROM run_daily_summary"), int64_t(1502));

        // A failure is kept in the cache's sync state; the last success stays.
        m_cloud->addFault({"/bigquery/v2/projects/nba-props-sim/queries", 403, "accessDenied",
                           "Access Denied", 1});
        auto later = o;
        later.now = o.now + std::chrono::hours(1);
        QVERIFY(!errorOf([&] { jobs::syncCloud(db, bq, later, {}); }).empty());
        const auto failed = jobs::cloudSyncState(db, later.now);
        QVERIFY2(failed.lastError.find("accessDenied") != std::string::npos,
                 failed.lastError.c_str());
        QCOMPARE(failed.lastSuccessAt, toIsoUtc(o.now));
        QCOMPARE(int(*failed.ageSeconds), 3600);
    }

    // A sync stopped after three pages and started again has every run once: no duplicate, no gap.
    void anInterruptedSyncResumesWithoutDuplicatesOrGaps()
    {
        cloud::ServiceAccountTokens tokens(m_keyPath, m_clock);
        cloud::BigQuery bq(settings(), tokens, fast());
        const auto path = std::filesystem::path(m_dir.path().toStdString()) / "cache2.db";
        auto db = store::Database::open(path);
        jobs::CloudSyncOptions o;
        o.now = easternTime(Date::ymd(2026, 11, 6), 9, 0);
        o.pageRows = 150;
        std::atomic<bool> stop{false};
        jobs::Control<jobs::CloudSyncEvent> control;
        control.cancel = &stop;
        control.progress = [&](const jobs::CloudSyncEvent& e) {
            if (e.pages == 3)
                stop = true;
        };
        auto r = jobs::syncCloud(db, bq, o, control);
        QVERIFY(r.cancelled);
        QCOMPARE(r.fetched, int64_t(450));
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs"), int64_t(450));
        QVERIFY(jobs::cloudSyncState(db, o.now).lastSuccessAt.empty());
        r = jobs::syncCloud(db, bq, o, {});
        QVERIFY(!r.cancelled);
        const auto hist = m_cloud->history();
        std::set<std::string> keys;
        for (const auto& h : hist)
            keys.insert(h.runId + "/" + h.processor + "/" + h.dataDate.iso());
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs"), int64_t(keys.size()));
        QCOMPARE(test::count(db, "SELECT count(DISTINCT cloud_key) FROM processor_runs"),
                 int64_t(keys.size()));
        auto st = db.prepare("SELECT cloud_key FROM processor_runs");
        size_t found = 0;
        while (st.step())
            found += keys.count(st.getText(0));
        QCOMPARE(found, keys.size());
        // A cache belongs to one project.
        auto other = settings();
        other.project = "another-project";
        cloud::BigQuery elsewhere(other, tokens, fast());
        QVERIFY(errorOf([&] {
                    jobs::syncCloud(db, elsewhere, o, {});
                }).find("belongs to the project nba-props-sim") != std::string::npos);
    }

    // The backend the console's Pipeline page and `cloud trigger` share: a date's processors
    // on their services with the same events a local run gives, audited in the cloud and the
    // cache; a processor no service runs on request is refused before anything is called; the
    // console's changes shared in the cloud's audit table.
    void theCloudBackendRunsDatesOnTheServices()
    {
        // A cloud of its own: the triggered runs join its history.
        auto sim = test::startSimCloud("nba-props-sim", kProcessors, m_dir.path().toStdString());
        auto& sc = *sim.cloud;
        const auto& s = sim.settings;
        const auto& keyPath = sim.keyPath;
        const auto cache = std::filesystem::path(m_dir.path().toStdString()) / "backend-cache.db";
        store::Database::open(cache);
        ::setenv("GOOGLE_APPLICATION_CREDENTIALS", keyPath.c_str(), 1);
        const auto backend = jobs::cloudBackend(s, cache);
        QCOMPARE(backend->kind(), jobs::BackendKind::Cloud);
        QVERIFY(!backend->ownsDatabase());
        QCOMPARE(backend->commands().rerunOf("2026-11-03", "player_game_summary"),
                 std::string("nbaops --backend cloud cloud trigger --processor player_game_summary --date 2026-11-03"));
        QVERIFY2(backend->freshness().find("never synced") == 0, backend->freshness().c_str());

        const size_t auditedBefore = sc.inserted("nba_reference.ops_console_audit").size();
        std::vector<std::string> events;
        jobs::Control<jobs::RunRangeEvent> control;
        control.progress = [&events](const jobs::RunRangeEvent& e) {
            using K = jobs::RunRangeEvent::Kind;
            events.push_back(e.kind == K::DateStarted        ? "date " + e.date.iso()
                             : e.kind == K::ProcessorStarted ? "start " + e.processor
                                                             : "done " + e.processor + " " + std::to_string(e.result->outcome.recordsOut));
        };
        const auto res = backend->runDates({Date::ymd(2026, 11, 2), Date::ymd(2026, 11, 3), "player_game_summary"}, 0, control);
        QCOMPARE(res.dates, 2);
        QCOMPARE(res.realFailures, 0);
        QCOMPARE(events.size(), size_t(6));
        QCOMPARE(events[0], std::string("date 2026-11-02"));
        QCOMPARE(events[1], std::string("start player_game_summary"));
        QVERIFY2(events[2].rfind("done player_game_summary ", 0) == 0 && events[2] != "done player_game_summary 0",
                 events[2].c_str());
        QCOMPARE(sc.inserted("nba_reference.ops_console_audit").size(), auditedBefore + 2);
        {
            auto db = store::Database::open(cache, store::Database::Mode::ReadOnly);
            auto st = db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'cloud.trigger'");
            QVERIFY(st.step());
            QCOMPARE(st.getInt(0), int64_t(2));
        }
        // Phase 1 runs on Cloud Scheduler's timetable only.
        QVERIFY(errorOf([&] { backend->runDates({Date::ymd(2026, 11, 3), Date::ymd(2026, 11, 3), "nbac_schedule_scraper"}, 0, control); })
                    .find("Cloud Scheduler") != std::string::npos);
        // A service that refuses is a failed processor, with the service's reason.
        events.clear();
        sc.addFault({"/svc/nba-phase3-analytics-processors/process-date", 500, "internal", "the service crashed", 3});
        const auto bad = backend->runDates({Date::ymd(2026, 11, 3), Date::ymd(2026, 11, 3), "player_game_summary"}, 0, control);
        QCOMPARE(bad.realFailures, 1);
        // An acknowledgement made in the cache is shared in the cloud's audit table (the local
        // database's audit log already is that place).
        QCOMPARE(backend->share("alert.ack", "alert 3 by ana: looking"), std::string());
        const auto ids = sc.inserted("nba_reference.ops_console_audit");
        QVERIFY2(ids.back().rfind("alert.ack-alert 3 by ana: looking-", 0) == 0, ids.back().c_str());
        QCOMPARE(jobs::localBackend(cache)->share("alert.ack", "alert 3"), std::string());
        ::unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
    }

    // A backfill on the cloud backend: planned from the cache's run history for phases 2 to 5
    // only (the scrapers run on Cloud Scheduler's timetable); each run on its service, one
    // worker at a time here so the fault below meets one run; a date whose scrapers never
    // served skipped by the check before it; a service's failure kept as that run's, with its
    // reason; the check after a date saying what a cache cannot check; each run audited.
    void theCloudBackendRunsABackfill()
    {
        auto sim = test::startSimCloud("nba-props-backfill", test::everyProcessor(), m_dir.path().toStdString());
        auto& sc = *sim.cloud;
        const Date first = Date::ymd(2024, 1, 8), skipped = first, last = Date::ymd(2024, 1, 10);
        test::scrapedInCloud(sc, first.addDays(1));
        test::scrapedInCloud(sc, last);
        const auto cache = std::filesystem::path(m_dir.path().toStdString()) / "backfill-cache.db";
        store::Database::open(cache);
        ::setenv("GOOGLE_APPLICATION_CREDENTIALS", sim.keyPath.c_str(), 1);
        const auto backend = jobs::cloudBackend(sim.settings, cache);
        QCOMPARE(backend->phasesOnRequest(), std::make_pair(2, 5));
        QVERIFY(backend->catchUp({}).find("synced") == 0);

        auto db = store::Database::open(cache);
        jobs::PlanRequest req;
        req.from = first;
        req.to = last;
        req.today = Date::ymd(2024, 2, 1);
        std::tie(req.firstPhase, req.lastPhase) = backend->phasesOnRequest();
        const auto plan = jobs::planBackfill(db, req);
        QCOMPARE(plan.dates.size(), size_t(3));
        const size_t perDate = plan.dates.front().processors.size();
        for (const auto& pd : plan.dates) {
            QCOMPARE(pd.processors.size(), perDate);
            for (const auto& p : pd.processors)
                QVERIFY2(p.phase >= 2 && p.phase <= 5, p.name.c_str());
        }
        const int64_t id = jobs::createBackfill(db, plan, {}, "tester");

        sc.addFault({"/svc/nba-phase3-analytics-processors/process-date", 500, "internal", "the service crashed", 3});
        const size_t auditedBefore = sc.inserted("nba_reference.ops_console_audit").size();
        std::vector<std::string> checked;
        jobs::Control<jobs::BackfillEvent> control;
        control.progress = [&checked](const jobs::BackfillEvent& e) {
            if (e.kind == jobs::BackfillEvent::Kind::DateChecked)
                checked.push_back(e.text);
        };
        const auto res = backend->runBackfill({id, std::chrono::milliseconds(50), "tester"}, 1, control);
        ::unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
        QCOMPARE(res.state, std::string("done"));
        QCOMPARE(res.skipped, int(perDate));
        QCOMPARE(res.failed, 1);
        QCOMPARE(res.done, int(2 * perDate) - 1);
        QCOMPARE(checked.size(), size_t(3));

        for (const auto& d : jobs::backfillDates(db, id)) {
            if (d.date == skipped.iso()) {
                QCOMPARE(d.state, std::string("skipped"));
                QVERIFY2(d.preCheck.find("inputs missing") == 0, d.preCheck.c_str());
            } else {
                QVERIFY2(d.postCheck.find("not checked here") != std::string::npos, d.postCheck.c_str());
            }
        }
        {
            auto st = db.prepare("SELECT processor, category FROM backfill_items WHERE backfill_id = ? AND state = 'failed'");
            st.bindAll(id);
            QVERIFY(st.step());
            QCOMPARE(registry::Registry::builtin().get(st.getText(0)).phase, 3);
            QCOMPARE(st.getText(1), std::string("error"));
        }
        // Each run is in the cloud's history (for the next sync) and its audit table.
        int ran = 0, onServices = 0;
        for (const auto& r : sc.history())
            ran += skipped < r.dataDate && r.phase >= 2 && r.phase <= 4 && r.triggerSource != "scheduler" ? 1 : 0;
        for (const auto& p : plan.dates.front().processors)
            onServices += p.phase <= 4 ? 2 : 0; // two dates ran
        QVERIFY2(ran >= onServices - 1, qPrintable(QStringLiteral("%1 of %2").arg(ran).arg(onServices)));
        QVERIFY(sc.inserted("nba_reference.ops_console_audit").size() > auditedBefore + perDate);
    }

    // The command line in cloud mode: configure, sync, read the cache with the same commands as
    // a local database, the services' state, a trigger, a backfill's plan for the services;
    // local-only commands are refused.
    void theCommandLineWorksTheCloud()
    {
        const QString home = m_dir.path() + QStringLiteral("/clihome");
        const auto cli = [&](const QStringList& args) {
            QProcess p;
            auto env = test::programEnvironment(home);
            env.insert(QStringLiteral("GOOGLE_APPLICATION_CREDENTIALS"), QString::fromStdString(m_keyPath.string()));
            env.insert(QStringLiteral("NBAOPS_BIGQUERY_URL"), QString::fromStdString(m_cloud->bigqueryUrl()));
            env.insert(QStringLiteral("NBAOPS_RUN_ADMIN_URL"), QString::fromStdString(m_cloud->runAdminUrl()));
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(NBAOPS_CLI_PATH), args);
            p.waitForFinished(60000);
            return test::ProgramRun{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                                    p.readAllStandardError()};
        };
        QStringList configure = {QStringLiteral("cloud"), QStringLiteral("configure"), QStringLiteral("--project"),
                                 QStringLiteral("nba-props-sim"), QStringLiteral("--backend"), QStringLiteral("cloud")};
        for (const char* svc : {"nba-phase2-raw-processors", "nba-phase3-analytics-processors",
                                "nba-phase4-precompute-processors", "prediction-coordinator"})
            configure << QStringLiteral("--service")
                      << QString::fromStdString(std::string(svc) + "=" + m_cloud->serviceUrl(svc));
        auto r = cli(configure);
        QVERIFY2(r.code == 0, r.err.constData());
        r = cli({QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(r.code, 3); // nothing synced yet: the cache is not there
        QVERIFY2(r.err.contains("has no local cache yet") && r.err.contains("nbaops cloud sync"), r.err.constData());
        r = cli({QStringLiteral("cloud"), QStringLiteral("sync"), QStringLiteral("--days"), QStringLiteral("45")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("The sync will scan") && r.out.contains("Synced: 1503 runs read (1502 new, 1 finished since)"), r.out.constData());
        r = cli({QStringLiteral("cloud"), QStringLiteral("status")});
        QVERIFY2(r.out.contains("Runs         1502") && r.out.contains("service account nbaops-ci@"), r.out.constData());
        // The same reading commands as a local database, on the cache.
        r = cli({QStringLiteral("trends"), QStringLiteral("--days"), QStringLiteral("7"), QStringLiteral("--until"),
                 QStringLiteral("2026-11-03"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(nlohmann::json::parse(r.out.toStdString()).is_object());
        r = cli({QStringLiteral("run"), QStringLiteral("--date"), QStringLiteral("2026-11-03")});
        QCOMPARE(r.code, 64);
        QVERIFY2(r.err.contains("nbaops cloud trigger"), r.err.constData());
        r = cli({QStringLiteral("backfill"), QStringLiteral("plan"), QStringLiteral("--from"), QStringLiteral("2026-10-20"),
                 QStringLiteral("--to"), QStringLiteral("2026-10-25"), QStringLiteral("--force"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        {
            const auto plan = nlohmann::json::parse(r.out.toStdString());
            QCOMPARE(plan["dates"].size(), size_t(6));
            std::set<int> phases;
            for (const auto& d : plan["dates"])
                for (const auto& p : d["processors"])
                    phases.insert(p["phase"].get<int>());
            QCOMPARE(phases, (std::set<int>{2, 3, 4, 5})); // the scrapers keep Cloud Scheduler's timetable
        }
        r = cli({QStringLiteral("cloud"), QStringLiteral("services")});
        QVERIFY2(r.code == 0, (r.out + r.err).constData());
        QVERIFY2(r.out.contains("nba-phase3-analytics-processors") && r.out.contains("-00042-sim"), r.out.constData());
        r = cli({QStringLiteral("cloud"), QStringLiteral("trigger"), QStringLiteral("--date"), QStringLiteral("2026-11-03"),
                 QStringLiteral("--processor"), QStringLiteral("player_game_summary")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("processed player_game_summary for 2026-11-03: 245 rows"), r.out.constData());
        QCOMPARE(m_cloud->inserted("nba_reference.ops_console_audit").size(), size_t(1));
        r = cli({QStringLiteral("audit"), QStringLiteral("--action"), QStringLiteral("cloud")});
        QVERIFY2(r.out.contains("cloud.trigger  player_game_summary 2026-11-03"), r.out.constData());
        // An unreachable cloud: the sync says so, the cache stays.
        {
            QProcess p;
            auto env = test::programEnvironment(home);
            env.insert(QStringLiteral("GOOGLE_APPLICATION_CREDENTIALS"), QString::fromStdString(m_keyPath.string()));
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(NBAOPS_CLI_PATH), {QStringLiteral("cloud"), QStringLiteral("configure")});
            p.waitForFinished(30000);
        }
        m_cloud->addFault({"/bigquery/v2/projects/nba-props-sim/queries", 503, "backendError", "unavailable", 20});
        r = cli({QStringLiteral("cloud"), QStringLiteral("sync"), QStringLiteral("--json")});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("The cache stays usable"), r.err.constData());
        r = cli({QStringLiteral("cloud"), QStringLiteral("status"), QStringLiteral("--json")});
        const auto st = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(st.value("runs", 0), 1502);
        QVERIFY(st.value("last_error", std::string()).find("backendError") != std::string::npos);
    }

    void cleanupTestCase() { m_cloud->stop(); }
};

QTEST_GUILESS_MAIN(TestCloud)
#include "tst_cloud.moc"
