#include "schedule.h"

#include "util/errors.h"

#include <cstdio>
#include <cstdlib>

namespace nbaops::jobs {

namespace {

// A command-line word for systemd's Exec lines: quoted, with \ and " escaped, % doubled.
std::string systemdWord(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '\\' || c == '"')
            out.push_back('\\');
        if (c == '%')
            out.push_back('%');
        out.push_back(c);
    }
    return out + "\"";
}

// A word for /bin/sh (cron): single quotes, ' written as '\''; % escaped for cron.
std::string shellWord(const std::string& s)
{
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else if (c == '%')
            out += "\\%";
        else
            out.push_back(c);
    }
    return out + "'";
}

std::string hhmm(int h, int m)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
    return buf;
}

struct Job
{
    const char* name;
    const char* what;
    std::vector<std::string> args;
    std::string calendar; // OnCalendar
};

std::vector<Job> jobsOf(const ScheduleOptions& o)
{
    if (o.nightlyHour < 0 || o.nightlyHour > 23 || o.nightlyMinute < 0 || o.nightlyMinute > 59 ||
        o.digestHour < 0 || o.digestHour > 23 || o.backupHour < 0 || o.backupHour > 23 ||
        o.backupMinute < 0 || o.backupMinute > 59)
        throw UsageError("A schedule time is HH:MM, 00:00 to 23:59 (US Eastern).");
    return {
        {"nbaops-nightly",
         "the nightly run of yesterday's games",
         {"run", "--date", "yesterday"},
         "*-*-* " + hhmm(o.nightlyHour, o.nightlyMinute) + ":00 America/New_York"},
        {"nbaops-repair", "closing orphaned runs and the due retries", {"repair"}, "*:0/5"},
        {"nbaops-digest",
         "the morning digest through the alert receivers",
         {"digest", "--send"},
         "*-*-* " + hhmm(o.digestHour, 0) + ":00 America/New_York"},
        {"nbaops-backup",
         "the daily backup, its test-restore and the retention policy",
         {"backup", "scheduled"},
         "*-*-* " + hhmm(o.backupHour, o.backupMinute) + ":00 America/New_York"},
    };
}

} // namespace

std::vector<UnitFile> systemdUnits(const ScheduleOptions& o)
{
    std::vector<UnitFile> out;
    for (const auto& j : jobsOf(o)) {
        std::string exec = systemdWord(o.nbaops.string());
        if (!o.db.empty())
            exec += " --db " + systemdWord(o.db.string());
        for (const auto& a : j.args)
            exec += " " + a;
        const std::string origin =
            o.db.empty() ? "# Installed with the nbaops package, for the default database; enable it with\n"
                           "# 'systemctl --user enable --now " +
                               std::string(j.name) + ".timer'.\n"
                         : "# Written by 'nbaops schedule install'; 'nbaops schedule remove' deletes it.\n";
        out.push_back(
            {std::string(j.name) + ".service",
             origin + "[Unit]\nDescription=nbaops: " +
                 std::string(j.what) +
                 "\n\n"
                 "[Service]\nType=oneshot\nExecStart=" +
                 exec +
                 "\n"
                 // 1: degraded or real failures, the run still did its work: not a unit failure
                 "SuccessExitStatus=1\nNice=5\n"});
        out.push_back(
            {std::string(j.name) + ".timer",
             origin + "[Unit]\nDescription=nbaops: " +
                 std::string(j.what) +
                 " (timer)\n\n"
                 "[Timer]\nOnCalendar=" +
                 j.calendar +
                 "\nPersistent=true\nAccuracySec=30s\n\n"
                 "[Install]\nWantedBy=timers.target\n"});
    }
    return out;
}

std::string crontabLines(const ScheduleOptions& o)
{
    std::string out = "# nbaops (from 'nbaops schedule install' on a machine without "
                      "systemd)\nCRON_TZ=America/New_York\n";
    for (const auto& j : jobsOf(o)) {
        std::string when = "*/5 * * * *";
        if (j.calendar != "*:0/5") { // "*-*-* HH:MM:00 America/New_York" -> "MM HH * * *"
            const int h = std::atoi(j.calendar.substr(6, 2).c_str());
            const int m = std::atoi(j.calendar.substr(9, 2).c_str());
            when = std::to_string(m) + " " + std::to_string(h) + " * * *";
        }
        std::string cmd = shellWord(o.nbaops.string()) + " --db " + shellWord(o.db.string());
        for (const auto& a : j.args)
            cmd += " " + a;
        out += when + " " + cmd + " >/dev/null 2>&1  # " + j.what + "\n";
    }
    return out;
}

std::filesystem::path userUnitDir()
{
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        return std::filesystem::path(x) / "systemd" / "user";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".config" / "systemd" / "user";
}

std::vector<std::string> timerNames()
{
    return {"nbaops-nightly.timer", "nbaops-repair.timer", "nbaops-digest.timer",
            "nbaops-backup.timer"};
}

} // namespace nbaops::jobs
