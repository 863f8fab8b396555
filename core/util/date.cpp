#include "date.h"

#include "errors.h"

#include <cstdio>
#include <ctime>

namespace nbaops {

using namespace std::chrono;

Date Date::ymd(int y, unsigned m, unsigned d)
{
    return Date(std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                            std::chrono::day{d}});
}

std::optional<Date> Date::parse(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    int parts[3] = {0, 0, 0};
    const int starts[3] = {0, 5, 8};
    const int lens[3] = {4, 2, 2};
    for (int i = 0; i < 3; ++i) {
        for (int k = 0; k < lens[i]; ++k) {
            const char c = text[size_t(starts[i]) + size_t(k)];
            if (c < '0' || c > '9')
                return std::nullopt;
            parts[i] = parts[i] * 10 + (c - '0');
        }
    }
    const std::chrono::year_month_day v{std::chrono::year{parts[0]},
                                        std::chrono::month{unsigned(parts[1])},
                                        std::chrono::day{unsigned(parts[2])}};
    if (!v.ok() || parts[0] < 1900 || parts[0] > 2200)
        return std::nullopt;
    return Date(v);
}

Date Date::parseOrThrow(std::string_view text, std::string_view what)
{
    if (auto d = parse(text))
        return *d;
    throw UsageError(std::string(what) + " '" + std::string(text) +
                     "' is not a valid date: write it as YYYY-MM-DD, for example 2024-01-15.");
}

Date Date::todayEastern()
{
    const auto now = system_clock::now();
    return fromDays(floor<std::chrono::days>(now + easternOffset(now)));
}

std::string Date::iso() const
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year(), month(), day());
    return buf;
}

std::string Date::nbaStatsFormat() const
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", month(), day(), year());
    return buf;
}

std::string nowIsoUtc()
{
    return toIsoUtc(std::chrono::system_clock::now());
}

std::string ageText(double seconds)
{
    if (seconds < 90)
        return std::to_string(int(seconds)) + " s";
    if (seconds < 5400)
        return std::to_string(int(seconds / 60)) + " min";
    if (seconds < 172800)
        return std::to_string(int(seconds / 3600)) + " h";
    return std::to_string(int(seconds / 86400)) + " days";
}

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string toIsoUtc(TimePoint t)
{
    return toIsoUtc(floor<milliseconds>(t));
}

std::string toIsoUtc(sys_time<milliseconds> ms)
{
    const auto dp = floor<days>(ms);
    const year_month_day ymd{dp};
    const hh_mm_ss hms{ms - dp};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()),
                  int(hms.subseconds().count()));
    return buf;
}

std::optional<TimePoint> parseIsoUtc(std::string_view text)
{
    // 2024-01-02T03:04:05[.123]Z
    if (text.size() < 20)
        return std::nullopt;
    auto d = Date::parse(text.substr(0, 10));
    if (!d || text[10] != 'T')
        return std::nullopt;
    int h = 0, m = 0, s = 0, ms = 0;
    const std::string rest(text.substr(11));
    int consumed = 0;
    if (std::sscanf(rest.c_str(), "%2d:%2d:%2d%n", &h, &m, &s, &consumed) != 3)
        return std::nullopt;
    if (size_t(consumed) < rest.size() && rest[size_t(consumed)] == '.') {
        int digits = 0;
        for (size_t i = size_t(consumed) + 1; i < rest.size() && rest[i] >= '0' && rest[i] <= '9';
             ++i, ++digits) {
            if (digits < 3)
                ms = ms * 10 + (rest[i] - '0');
        }
        for (int k = digits; k < 3; ++k)
            ms *= 10;
    }
    // A TimePoint counts nanoseconds in 64 bits: 1678 to 2262.
    if (h > 23 || m > 59 || s > 60 || d->year() < 1678 || d->year() > 2261)
        return std::nullopt;
    return TimePoint(d->days()) + hours(h) + minutes(m) + seconds(s) + milliseconds(ms);
}

namespace {
// US daylight time: from the second Sunday of March 02:00 local to the first Sunday of
// November 02:00 local (rules since 2007).
sys_days nthSunday(int y, unsigned m, unsigned n)
{
    return sys_days(year_month_weekday{year{y}, month{m}, weekday_indexed{Sunday, n}});
}
} // namespace

minutes easternOffset(TimePoint t)
{
    const int y = int(year_month_day(floor<days>(t)).year());
    const auto dstStart = nthSunday(y, 3, 2) + hours(7);  // 02:00 EST = 07:00 UTC
    const auto dstEnd = nthSunday(y, 11, 1) + hours(6);   // 02:00 EDT = 06:00 UTC
    return (t >= dstStart && t < dstEnd) ? minutes(-240) : minutes(-300);
}

TimePoint easternTime(Date d, int hour, int minute)
{
    const TimePoint local = TimePoint(d.days()) + hours(hour) + minutes(minute);
    // Guess with standard time, then correct with the offset at the guessed instant.
    TimePoint utc = local + minutes(300);
    utc = local - easternOffset(utc);
    return utc;
}

std::string formatEastern(TimePoint t)
{
    const auto local = floor<minutes>(t + easternOffset(t));
    const auto dp = floor<days>(local);
    const hh_mm_ss hms{local - dp};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s %02d:%02d ET", Date::fromDays(dp).iso().c_str(),
                  int(hms.hours().count()), int(hms.minutes().count()));
    return buf;
}

Date easternDateOf(TimePoint t)
{
    return Date::fromDays(std::chrono::floor<std::chrono::days>(t + easternOffset(t)));
}

} // namespace nbaops
