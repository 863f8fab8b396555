#include "cycle.h"

#include "notify.h"
#include "pipeline/runner.h"
#include "registry/registry.h"

namespace nbaops::alerts {

Cycle runCycle(store::Database& db, const std::filesystem::path& dbPath, TimePoint now, bool send, Sender* sender)
{
    Cycle c;
    Engine engine(db, loadConfig(dbPath));
    c.rulesOrigin = engine.config().origin;
    const std::filesystem::path dir = dbPath.has_parent_path() ? dbPath.parent_path() : std::filesystem::path(".");
    const SignalContext ctx{db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(), dir, now};
    c.evaluation = engine.apply(measure(engine.config(), ctx), now);
    if (send) {
        CurlSender curl;
        c.delivery = engine.deliver(sender ? *sender : curl, now);
    }
    return c;
}

} // namespace nbaops::alerts
