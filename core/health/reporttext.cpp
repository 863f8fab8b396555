// The morning check as text for a terminal (nbaops status): one section of the report at a time.
#include "format.h"

#include <cstdio>
#include <sstream>

namespace nbaops::health {

namespace {

const char* colourOf(State s)
{
    switch (s) {
    case State::Healthy: return "\033[32m";
    case State::Degraded: return "\033[33m";
    case State::Failed: return "\033[31m";
    case State::NotRun: return "\033[90m";
    }
    return "";
}

std::string shortTime(const std::string& iso)
{
    const auto t = parseIsoUtc(iso);
    return t ? formatEastern(*t) : std::string("-");
}

std::string upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// The text report, one section at a time.
class TextReport
{
public:
    explicit TextReport(bool colour) : m_colour(colour) {}
    std::string str() const { return m_o.str(); }

    std::string paint(State s, const std::string& text) const
    {
        return m_colour ? std::string(colourOf(s)) + text + "\033[0m" : text;
    }
    void header(const Report& r);
    void phases(const Report& r);
    void failures(const Report& r);
    void freshness(const Report& r);
    void recentDays(const Report& r);
    void checks(const Report& r);
    void gaps(const Report& r);
    void workflows(const Report& r);

private:
    bool m_colour;
    std::ostringstream m_o;
    char m_line[512];

    void processors(const PhaseHealth& p);
};

void TextReport::header(const Report& r)
{
    const std::string modeText = r.mode == Mode::Phase && !r.phases.empty() ? "phase " + std::to_string(r.phases.front().phase)
                                                                              : std::string(toString(r.mode));
    m_o << "nbaops morning check for " << r.date << " (" << modeText << ", " << r.windowDays
        << (r.windowDays == 1 ? " day" : " days") << ")   overall: " << paint(r.overall, upper(toString(r.overall)))
        << "\n";
    m_o << "database: " << r.database << "\n\n";
}

void TextReport::phases(const Report& r)
{
    if (r.phases.empty())
        return;
    std::snprintf(m_line, sizeof m_line, "%-22s %-9s %-20s %5s %5s %6s %5s  %s\n", "PHASE", "STATE", "LAST SUCCESS",
                  "RUNS", "OK", "NODATA", "FAIL", "SLA met/missed/pending");
    m_o << m_line;
    for (const auto& p : r.phases) {
        const auto cat = [&](const char* k) {
            const auto it = p.byCategory.find(k);
            return it == p.byCategory.end() ? 0 : it->second;
        };
        const int fails = p.runs - cat("success") - cat("no_data_available");
        const std::string name = std::to_string(p.phase) + " " + p.name;
        std::snprintf(m_line, sizeof m_line, "%-22s ", name.c_str());
        m_o << m_line;
        char state[16];
        std::snprintf(state, sizeof state, "%-9s", std::string(toString(p.state)).c_str());
        m_o << paint(p.state, state);
        if (!p.scheduled) {
            m_o << " " << p.reason << "\n";
            continue;
        }
        std::snprintf(m_line, sizeof m_line, " %-20s %5d %5d %6d %5d  %d/%d/%d  %s\n",
                      p.lastSuccess ? shortTime(*p.lastSuccess).c_str() : "never", p.runs, cat("success"),
                      cat("no_data_available"), fails, p.slaMet, p.slaMissed, p.slaPending, p.reason.c_str());
        m_o << m_line;
        processors(p);
    }
    m_o << "\n";
}

void TextReport::processors(const PhaseHealth& p)
{
    for (const auto& s : p.processors) {
        if (!s.implemented)
            continue;
        std::snprintf(m_line, sizeof m_line, "    %-28s %-18s %6lld rec %7lld ms  SLA %-7s %s\n", s.name.c_str(),
                      s.category.empty() ? s.status.c_str() : s.category.c_str(), static_cast<long long>(s.recordsOut),
                      static_cast<long long>(s.durationMs), s.sla.c_str(), s.slaDeadline.c_str());
        m_o << m_line;
    }
}

void TextReport::failures(const Report& r)
{
    int unresolved = 0, roots = 0;
    for (const auto& f : r.failures) {
        unresolved += f.resolved ? 0 : 1;
        roots += f.rootCause ? 1 : 0;
    }
    m_o << "Real failures: " << unresolved << " unresolved, " << (r.failures.size() - size_t(unresolved))
        << " resolved by a later run; " << roots << " root cause(s) shown, the runs they blocked counted\n";
    size_t shown = 0;
    for (const auto& f : r.failures) {
        if (!f.rootCause)
            continue;
        if (++shown > 20) {
            m_o << "  ... more (use --json for all)\n";
            break;
        }
        m_o << "  " << (f.resolved ? "[resolved] " : "") << f.gameDate << "  " << f.processor << " (" << f.criticality
            << ")  " << f.category;
        if (f.blocked > 0) {
            m_o << "  blocked " << f.blocked << " downstream run(s)";
            for (size_t i = 0; i < f.jointWith.size(); ++i)
                m_o << (i ? ", " : " together with ") << f.jointWith[i];
        }
        m_o << "\n      " << f.error << "\n";
    }
    m_o << "Expected no-data runs (no games scheduled): " << r.expectedNoData << " (collapsed)\n\n";
}

void TextReport::freshness(const Report& r)
{
    if (r.freshness.empty())
        return;
    m_o << "Data freshness\n";
    for (const auto& f : r.freshness) {
        std::snprintf(m_line, sizeof m_line, "  %-28s %-6s latest game date %-10s  written %s\n", f.table.c_str(),
                      f.state.c_str(), f.latestGameDate ? f.latestGameDate->c_str() : "-",
                      f.lastWriteAt ? shortTime(*f.lastWriteAt).c_str() : "-");
        m_o << m_line;
    }
    m_o << "\n";
}

void TextReport::recentDays(const Report& r)
{
    if (r.recentDays.empty())
        return;
    m_o << "Recent days (phases 1-6)\n";
    for (const auto& d : r.recentDays) {
        m_o << "  " << d.date << "  " << paint(d.overall, upper(toString(d.overall))) << "  ";
        for (State s : d.phases)
            m_o << paint(s, std::string(toString(s)).substr(0, 4)) << " ";
        m_o << "\n";
    }
    m_o << "\n";
}

void TextReport::checks(const Report& r)
{
    if (r.checks.empty())
        return;
    m_o << "Checks\n";
    for (const auto& c : r.checks) {
        const State st = c.state == "ok" ? State::Healthy : c.state == "failed" ? State::Failed
                       : c.state == "warning" ? State::Degraded : State::NotRun;
        std::snprintf(m_line, sizeof m_line, "  %-17s ", c.name.c_str());
        m_o << m_line << paint(st, c.state) << std::string(c.state.size() < 8 ? 8 - c.state.size() : 0, ' ') << " "
            << c.summary << "\n";
        for (size_t i = 0; i < c.items.size() && i < 5; ++i)
            m_o << "      " << c.items[i] << "\n";
        if (c.items.size() > 5)
            m_o << "      ... and " << c.items.size() - 5 << " more\n";
    }
    m_o << "\n";
}

void TextReport::gaps(const Report& r)
{
    if (r.gaps.empty())
        return;
    m_o << "Gaps (dates with final games a processor has not served, and what they leave stale)\n";
    for (const auto& g : r.gaps) {
        m_o << "  " << g.date << "  " << g.processor << " (phase " << g.phase << ", " << g.status << ")";
        if (g.stale.empty())
            m_o << ": nothing downstream is blocked (a fallback serves)\n";
        else
            m_o << " -> stale: " << g.stale.front()
                << (g.stale.size() > 1 ? " and " + std::to_string(g.stale.size() - 1) + " more" : "") << "\n";
    }
    m_o << "\n";
}

void TextReport::workflows(const Report& r)
{
    if (r.mode != Mode::Workflows)
        return;
    m_o << "Workflows (orchestrator runs touching the window, newest first)\n";
    if (r.workflows.empty())
        m_o << "  none\n";
    for (const auto& w : r.workflows) {
        std::snprintf(m_line, sizeof m_line, "  %-28s %s .. %s  dates %s..%s  %4d runs %3d failed %2d processors\n",
                      w.runId.c_str(), shortTime(w.startedAt).c_str(), shortTime(w.finishedAt).c_str(),
                      w.firstDate.c_str(), w.lastDate.c_str(), w.runs, w.failures, w.processors);
        m_o << m_line;
    }
    m_o << "\n";
}

} // namespace

std::string toText(const Report& r, bool colour)
{
    TextReport t(colour);
    t.header(r);
    t.phases(r);
    t.failures(r);
    t.freshness(r);
    t.recentDays(r);
    t.checks(r);
    t.gaps(r);
    t.workflows(r);
    std::string out = t.str();
    for (const auto& s : r.nextSteps)
        out += "Next: " + s + "\n";
    return out;
}

} // namespace nbaops::health
