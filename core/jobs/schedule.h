#pragma once

#include <filesystem>
#include <string>
#include <vector>

// The machine's own scheduler runs local mode: systemd user timers (or cron lines where systemd
// is absent) for the nightly run, `nbaops repair` every 5 minutes, the daily backup (made,
// proven by a test-restore, pruned) and the morning digest.
namespace nbaops::jobs {

struct ScheduleOptions
{
    std::filesystem::path nbaops; // the program the units start (absolute)
    std::filesystem::path db;     // the database they use (absolute); empty: the default one
                                  // (units for a package, without --db)
    int nightlyHour = 4;          // US Eastern
    int nightlyMinute = 0;
    int digestHour = 7; // US Eastern
    int backupHour = 5; // US Eastern: after the nightly run, before the digest
    int backupMinute = 30;
};

struct UnitFile
{
    std::string name; // nbaops-nightly.service, ...
    std::string text;
};

// The four jobs and their timers (the timers' OnCalendar in America/New_York, Persistent so a
// night the machine slept through runs when it wakes).
std::vector<UnitFile> systemdUnits(const ScheduleOptions& options);
// The same as crontab lines (CRON_TZ=America/New_York).
std::string crontabLines(const ScheduleOptions& options);
// $XDG_CONFIG_HOME/systemd/user, else ~/.config/systemd/user.
std::filesystem::path userUnitDir();
// The timers' names (what `systemctl --user enable --now` takes).
std::vector<std::string> timerNames();

} // namespace nbaops::jobs
