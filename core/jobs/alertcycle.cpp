#include "alertcycle.h"

#include "alerts/notify.h"
#include "pipeline/runner.h"
#include "registry/registry.h"

namespace nbaops::jobs {

AlertCycle runAlertCycle(store::Database& db, const AlertCycleOptions& options)
{
    AlertCycle c;
    alerts::Engine engine(db, alerts::loadConfig(options.dbPath));
    c.rulesOrigin = engine.config().origin;
    const auto& path = options.dbPath;
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const alerts::SignalContext ctx{db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(), dir,
                                    options.now};
    c.evaluation = engine.apply(alerts::measure(engine.config(), ctx), options.now);
    if (options.send) {
        alerts::CurlSender curl;
        c.delivery = engine.deliver(options.sender ? *options.sender : curl, options.now);
    }
    return c;
}

} // namespace nbaops::jobs
