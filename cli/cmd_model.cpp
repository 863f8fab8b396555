// nbaops train [--train-until D] [--valid-until D] [--test-from D] [--test-until D]
//              [--param k=v]... [--budget TIME [--resume SEARCH] [--max-configs N]] [--json]
// nbaops train --walk-forward [--seasons N] [--param k=v]... [--json]
// nbaops train --ablation [--family NAME]... [--seasons N] [--param k=v]... [--json]
// nbaops model list|show|compare|diff|promote|challenger
#include "commands.h"
#include "modelprint.h"

#include "model/versions.h"
#include "model/serving.h"
#include "model/versiondiff.h"
#include "jobs/train.h"
#include "pipeline/session.h"
#include "store/audit.h"
#include "store/objectstore.h"
#include "util/errors.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace nbaops::cli {

namespace {

std::optional<Date> dateOption(const std::string& value, const char* flag)
{
    if (value.empty())
        return std::nullopt;
    const auto d = Date::parse(value);
    if (!d)
        throw UsageError(std::string(flag) + " takes a date as YYYY-MM-DD, got '" + value + "'");
    return d;
}

pipeline::SessionOptions sessionFor(const GlobalOptions& g)
{
    pipeline::SessionOptions so;
    so.dbPath = g.db;
    so.workers = 1;
    return so;
}

// Runs `body` on the model registry of the database (a session of one worker).
std::function<int()> withVersions(GlobalOptions& g, std::function<int(model::ModelVersions&)> body)
{
    return [&g, body = std::move(body)]() -> int {
        pipeline::Session session(sessionFor(g));
        model::ModelVersions versions(session.db(), session.context().objects.root());
        return body(versions);
    };
}

// nbaops train
void addTrainCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct TrainOpts
    {
        std::string trainUntil, validUntil, testFrom, testUntil;
        std::vector<std::string> params;
        std::string budget, resume;
        int maxConfigs = 0;
        bool json = false;
        bool walkForward = false;
        bool ablation = false;
        std::vector<std::string> families;
        int seasons = 2;
    };
    auto t = std::make_shared<TrainOpts>();
    auto* train = app.add_subcommand("train", "Train the points model on the feature store and register it");
    train->add_option("--train-until", t->trainUntil, "Last training date (default: end of the next-to-last season)");
    train->add_option("--valid-until", t->validUntil, "Last validation date (early stopping)");
    train->add_option("--test-from", t->testFrom, "First test date (default: the day after --valid-until)");
    train->add_option("--test-until", t->testUntil, "Last test date (default: the last date with data)");
    train->add_option("--param", t->params, "XGBoost parameter k=v (repeatable), or rounds=N, early_stopping_rounds=N");
    train->add_option("--budget", t->budget,
                      "Search the parameters first for this long (90s, 10m, 1h30m): successive halving judged on "
                      "walk-forward months before the test window; the best configuration is trained and registered");
    train->add_option("--resume", t->resume, "With --budget: go on with this search (its id, e.g. s0002)");
    train->add_option("--max-configs", t->maxConfigs, "With --budget: draw at most N configurations");
    train->add_flag("--json", t->json, "One JSON object");
    train->add_flag("--walk-forward", t->walkForward,
                    "Evaluate instead of registering: a fit per month of the last seasons, each trained on every "
                    "earlier date and tested on the month, against the baselines on the same rows");
    train->add_flag("--ablation", t->ablation,
                    "Evaluate each feature family: the walk-forward with every feature, then without each family");
    train->add_option("--family", t->families, "With --ablation: only this family (repeatable)");
    train->add_option("--seasons", t->seasons,
                      "With --walk-forward or --ablation: how many last seasons' months to test (default 2)");
    train->callback([&g, &action, t] {
        action = [&g, t]() -> int {
            jobs::TrainOptions req;
            req.split.trainUntil = dateOption(t->trainUntil, "--train-until");
            req.split.validUntil = dateOption(t->validUntil, "--valid-until");
            req.split.testFrom = dateOption(t->testFrom, "--test-from");
            req.split.testUntil = dateOption(t->testUntil, "--test-until");
            for (const auto& p : t->params)
                model::applyParam(req.params, p);
            if (!t->budget.empty()) {
                jobs::SearchRequest sr;
                sr.budgetSeconds = model::parseBudget(t->budget);
                sr.resume = t->resume;
                if (t->maxConfigs < 0 || t->maxConfigs > 100000)
                    throw UsageError("--max-configs takes 1 to 100000 (0: as many as the budget allows)");
                sr.maxConfigs = t->maxConfigs;
                if (!sr.resume.empty() && !t->params.empty())
                    throw UsageError("a resumed search keeps the parameters it started from: drop --param");
                req.search = sr;
            } else if (!t->resume.empty() || t->maxConfigs != 0) {
                throw UsageError("--resume and --max-configs go with --budget");
            }
            if (t->walkForward && t->ablation)
                throw UsageError("--walk-forward and --ablation are two runs: choose one");
            if (!t->families.empty() && !t->ablation)
                throw UsageError("--family goes with --ablation");
            if ((t->walkForward || t->ablation) && (req.search || !t->trainUntil.empty() || !t->validUntil.empty() ||
                                   !t->testFrom.empty() || !t->testUntil.empty()))
                throw UsageError(std::string(t->ablation ? "--ablation" : "--walk-forward") +
                                 " makes its own windows, a month at a time: drop --budget and the dates");
            if (t->seasons < 1 || t->seasons > 20)
                throw UsageError("--seasons takes 1 to 20");
            pipeline::Session session(sessionFor(g));
            installInterruptHandler();
            const bool chatty = !t->json || g.verbose || ::isatty(2);
            int lastShown = -1;
            jobs::Control<jobs::TrainEvent> control;
            control.cancel = &g_cancel;
            control.progress = [&](const jobs::TrainEvent& e) {
                if (!chatty)
                    return;
                if (e.fit) {
                    if (e.fit->point.iteration / 25 == lastShown)
                        return;
                    lastShown = e.fit->point.iteration / 25;
                    std::fprintf(stderr, "nbaops: tree %d: train MAE %.4f, validation MAE %.4f (best %.4f at %d)\n",
                                 e.fit->point.iteration + 1, e.fit->point.trainMae, e.fit->point.validMae,
                                 e.fit->bestValidMae, e.fit->bestIteration + 1);
                } else if (e.stage != jobs::TrainEvent::Stage::Features || e.done % 50 == 0) {
                    std::fprintf(stderr, "nbaops: %s%s\n", e.message.c_str(),
                                 e.total > 0 ? (" (" + std::to_string(e.done) + "/" + std::to_string(e.total) + ")").c_str() : "");
                }
            };
            if (t->ablation) {
                jobs::AblationOptions ao;
                ao.params = req.params;
                ao.folds.seasons = t->seasons;
                ao.families = t->families;
                const auto done = jobs::ablate(session, ao, control);
                if (done.cancelled) {
                    std::fprintf(stderr, "nbaops: ablation cancelled; nothing was kept.\n");
                    return 130;
                }
                if (t->json) {
                    std::cout << done.ablation.toJson().dump(2) << "\n";
                } else {
                    printAblation(done.ablation);
                    std::printf("Kept as %s (the Models page shows the latest ablation).\n", done.evaluationId.c_str());
                }
                return 0;
            }
            if (t->walkForward) {
                jobs::WalkForwardOptions wo;
                wo.params = req.params;
                wo.folds.seasons = t->seasons;
                const auto walked = jobs::walkForward(session, wo, control);
                if (walked.cancelled) {
                    std::fprintf(stderr, "nbaops: walk-forward cancelled after %zu month(s).\n", walked.walk.folds.size());
                    return 130;
                }
                if (t->json) {
                    std::cout << walked.walk.toJson().dump(2) << "\n";
                } else {
                    printWalkForward(walked.walk, wo.folds.validDates);
                    std::printf("Kept as %s (the Models page shows the latest walk-forward).\n", walked.evaluationId.c_str());
                }
                return 0;
            }
            const auto run = jobs::train(session, req, control);
            if (run.cancelled) {
                if (!run.searchId.empty())
                    std::fprintf(stderr, "nbaops: cancelled; nothing was registered. The search's %zu fit(s) are kept: "
                                         "go on with --budget TIME --resume %s\n",
                                 run.search ? run.search->fits.size() : size_t(0), run.searchId.c_str());
                else
                    std::fprintf(stderr, "nbaops: training cancelled; nothing was registered.\n");
                return 130;
            }
            if (t->json) {
                nlohmann::json out = run.report;
                out.erase("sample");
                std::cout << out.dump(2) << "\n";
            } else {
                if (run.report.contains("search"))
                    printSearch(run.report["search"]);
                printReport(run.report);
                std::printf("\nRegistered %s. Compare: nbaops model compare %s champion; promote: nbaops model promote %s\n",
                            run.version.c_str(), run.version.c_str(), run.version.c_str());
            }
            return 0;
        };
    });
}

// nbaops model list|show|compare|diff|promote|challenger
void addVersionCommands(CLI::App& group, GlobalOptions& g, std::function<int()>& action)
{
    struct ModelOpts
    {
        std::string version, other;
        bool json = false, force = false;
    };
    auto m = std::make_shared<ModelOpts>();
    auto* list = group.add_subcommand("list", "Every registered version");
    list->add_flag("--json", m->json, "A JSON array");
    list->callback([&g, &action, m] {
        action = withVersions(g, [m](model::ModelVersions& reg) { return printVersions(reg.list(), m->json); });
    });
    auto* show = group.add_subcommand("show", "One version's report (VERSION, champion or challenger)");
    show->add_option("version", m->version)->required();
    show->add_flag("--json", m->json, "The stored report as JSON");
    show->callback([&g, &action, m] {
        action = withVersions(g, [m](model::ModelVersions& reg) {
            const auto v = reg.get(m->version);
            reg.loadArtifact(v); // says so when the file was changed
            if (m->json) {
                nlohmann::json r = v.report;
                r.erase("sample");
                r["aliases"] = v.aliases;
                r["artifact"] = {{"path", v.artifact}, {"sha256", v.sha256}, {"verified", true}};
                std::cout << r.dump(2) << "\n";
                return 0;
            }
            printReport(v.report);
            std::printf("  artifact: %s (SHA-256 %s..., verified)\n", v.artifact.c_str(), v.sha256.substr(0, 16).c_str());
            return 0;
        });
    });
    auto* compare = group.add_subcommand("compare", "Two versions on the first one's test window");
    compare->add_option("candidate", m->version)->required();
    compare->add_option("reference", m->other, "default: champion");
    compare->add_flag("--json", m->json, "One JSON object");
    compare->callback([&g, &action, m] {
        action = withVersions(g, [m](model::ModelVersions& reg) {
            const auto c = reg.compare(m->version, m->other.empty() ? "champion" : m->other);
            if (m->json) {
                std::cout << c.toJson().dump(2) << "\n";
                return 0;
            }
            std::printf("%s vs %s on %s..%s (%lld player-games: %s)\n", c.candidate.c_str(), c.reference.c_str(),
                        c.from.iso().c_str(), c.until.iso().c_str(), static_cast<long long>(c.rows), model::kPopulation);
            std::printf("  MAE %.3f vs %.3f: %+.3f, 95%% interval [%+.3f, %+.3f]\n", c.candidateMae, c.referenceMae,
                        c.candidateMae - c.referenceMae, c.diffCi95.first, c.diffCi95.second);
            if (!c.note.empty())
                std::printf("  note: %s\n", c.note.c_str());
            return 0;
        });
    });
    auto* diff = group.add_subcommand("diff", "What changed between two versions: parameters, features, data, MAE by segment");
    diff->add_option("version", m->version)->required();
    diff->add_option("reference", m->other, "default: champion");
    diff->add_flag("--json", m->json, "One JSON object");
    diff->callback([&g, &action, m] {
        action = withVersions(g, [m](model::ModelVersions& reg) {
            const auto d = model::diffVersions(reg, m->other.empty() ? "champion" : m->other, m->version);
            if (m->json) {
                std::cout << d.toJson().dump(2) << "\n";
                return 0;
            }
            std::printf("What changed from %s to %s (* marks a change)\n", d.from.c_str(), d.to.c_str());
            const auto section = [](const char* title, const std::vector<model::VersionDiff::Row>& rows) {
                std::printf("%s\n", title);
                for (const auto& r : rows)
                    std::printf("  %c %-38s %-26s %s\n", r.changed() ? '*' : ' ', r.what.c_str(),
                                r.from.empty() ? "-" : r.from.c_str(), r.to.empty() ? "-" : r.to.c_str());
            };
            section("Parameters", d.params);
            section("Data and results", d.data);
            std::string added, removed;
            for (const auto& f : d.featuresAdded)
                added += " " + f;
            for (const auto& f : d.featuresRemoved)
                removed += " " + f;
            std::printf("Features added:%s\nFeatures removed:%s\n", added.empty() ? " none" : added.c_str(),
                        removed.empty() ? " none" : removed.c_str());
            section("MAE by segment, each on its own test window", d.segments);
            if (d.sameRows) {
                const auto& c = *d.sameRows;
                std::printf("On the same rows (%s..%s, %lld player-games): %s %.3f, %s %.3f, difference %+.3f [%+.3f, "
                            "%+.3f]%s%s\n",
                            c.from.iso().c_str(), c.until.iso().c_str(), static_cast<long long>(c.rows),
                            c.candidate.c_str(), c.candidateMae, c.reference.c_str(), c.referenceMae,
                            c.candidateMae - c.referenceMae, c.diffCi95.first, c.diffCi95.second,
                            c.note.empty() ? "" : "; ", c.note.c_str());
            } else {
                std::printf("Not compared on the same rows: %s\n", d.sameRowsError.c_str());
            }
            return 0;
        });
    });
    auto* promote = group.add_subcommand("promote", "Make a version the champion if it beats the current one");
    promote->add_option("version", m->version)->required();
    promote->add_flag("--force", m->force, "Promote without the comparison (audited)");
    promote->callback([&g, &action, m] {
        action = withVersions(g, [m](model::ModelVersions& reg) {
            std::printf("%s\n", reg.promote(m->version, store::currentActor(), m->force).c_str());
            return 0;
        });
    });
    auto* challenger = group.add_subcommand("challenger", "Make a version the challenger");
    challenger->add_option("version", m->version)->required();
    challenger->callback([&g, &action, m] {
        action = withVersions(g, [m](model::ModelVersions& reg) {
            reg.setChallenger(m->version, store::currentActor());
            std::printf("%s is the challenger\n", m->version.c_str());
            return 0;
        });
    });
}

// nbaops model rollout start|status|stop
void addRolloutCommands(CLI::App& group, GlobalOptions& g, std::function<int()>& action)
{
    struct RolloutOpts
    {
        std::string version, mode = "canary";
        double share = 0.1, threshold = 1.10;
        int64_t stageRows = model::kStageRows;
        bool json = false;
    };
    auto ro = std::make_shared<RolloutOpts>();
    auto* rollout = group.add_subcommand("rollout", "Serve a challenger next to the champion: A/B split or canary");
    rollout->require_subcommand(1);
    auto* rstart = rollout->add_subcommand("start", "Start serving VERSION to a share of games");
    rstart->add_option("version", ro->version)->required();
    rstart->add_option("--mode", ro->mode, "canary (10% -> 50% -> 100%, then champion) or ab (a fixed share)")
        ->check(CLI::IsMember({"canary", "ab"}));
    rstart->add_option("--share", ro->share, "ab: the challenger's share of games (default 0.1)");
    rstart->add_option("--threshold", ro->threshold, "Roll back when its live MAE exceeds this x the champion's (default 1.10)");
    rstart->add_option("--stage-rows", ro->stageRows, "Graded player-games per model before a stage is judged (default 300)");
    rstart->callback([&g, &action, ro] {
        action = withVersions(g, [ro](model::ModelVersions& reg) {
            // The registry's connection is the session's.
            auto& db = reg.database();
            const auto r = model::startRollout(reg, db, ro->version, ro->mode, ro->share, ro->threshold,
                                               store::currentActor(), ro->stageRows);
            std::printf("Rollout %lld: %s serves %.0f%% of games (by a hash of the game id) next to %s; rolls back "
                        "above %.2f x the champion's live MAE.\n",
                        static_cast<long long>(r.id), r.challenger.c_str(), r.share * 100, r.champion.c_str(), r.threshold);
            return 0;
        });
    });
    auto* rstatus = rollout->add_subcommand("status", "The active rollout, or the latest one");
    rstatus->add_flag("--json", ro->json, "One JSON object");
    rstatus->callback([&g, &action, ro] {
        action = withVersions(g, [ro](model::ModelVersions& reg) {
            const auto r = model::activeRollout(reg.database());
            if (ro->json) {
                std::cout << (r ? r->toJson() : nlohmann::json(nullptr)).dump(2) << "\n";
                return 0;
            }
            if (!r) {
                std::printf("No rollout is active.\n");
                return 0;
            }
            std::printf("Rollout %lld (%s): %s serves %.0f%% of games next to %s, stage %d; threshold %.2f; %s\n",
                        static_cast<long long>(r->id), r->mode.c_str(), r->challenger.c_str(), r->share * 100,
                        r->champion.c_str(), r->stage, r->threshold, r->note.c_str());
            return 0;
        });
    });
    auto* rstop = rollout->add_subcommand("stop", "Stop the active rollout; the champion serves every game");
    rstop->callback([&g, &action] {
        action = withVersions(g, [](model::ModelVersions& reg) {
            model::stopRollout(reg.database(), store::currentActor(), "stopped by " + store::currentActor());
            std::printf("Stopped; the champion serves every game.\n");
            return 0;
        });
    });
}

// nbaops model triggers
void addTriggersCommand(CLI::App& group, GlobalOptions& g, std::function<int()>& action)
{
    struct TriggerOpts
    {
        std::string date;
        bool json = false;
    };
    auto ro = std::make_shared<TriggerOpts>();
    auto* triggers = group.add_subcommand("triggers", "Whether a retrain is due: weekly, live MAE, new games");
    triggers->add_option("--date", ro->date, "Evaluate as of this date (default: today)");
    triggers->add_flag("--json", ro->json, "A JSON array");
    triggers->callback([&g, &action, ro] {
        action = withVersions(g, [ro](model::ModelVersions& reg) {
            const Date today = ro->date.empty() ? Date::todayEastern()
                                                : dateOption(ro->date, "--date").value();
            const auto fired = model::retrainTriggers(reg.database(), today);
            if (ro->json) {
                nlohmann::json a = nlohmann::json::array();
                for (const auto& tr : fired)
                    a.push_back({{"trigger", tr.name}, {"fired", tr.fired}, {"detail", tr.detail}});
                std::cout << a.dump(2) << "\n";
                return 0;
            }
            bool any = false;
            for (const auto& tr : fired) {
                std::printf("%-10s %-5s %s\n", tr.name.c_str(), tr.fired ? "FIRED" : "-", tr.detail.c_str());
                any = any || tr.fired;
            }
            std::printf(any ? "Retrain: nbaops train\n" : "No retrain due.\n");
            return 0;
        });
    });
}

} // namespace

void addModelCommands(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    addTrainCommand(app, g, action);
    auto* group = app.add_subcommand("model", "The model registry: versions, comparison, promotion");
    group->require_subcommand(1);
    addVersionCommands(*group, g, action);
    addRolloutCommands(*group, g, action);
    addTriggersCommand(*group, g, action);
}

} // namespace nbaops::cli
