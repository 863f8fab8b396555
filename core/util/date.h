#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nbaops {

// A calendar date (the US Eastern game date the NBA uses). Value type, ordered, ISO text.
class Date
{
public:
    Date() = default;
    explicit Date(std::chrono::year_month_day ymd) : m_days(std::chrono::sys_days(ymd)) {}
    static Date fromDays(std::chrono::sys_days d) { Date r; r.m_days = d; return r; }
    static Date ymd(int y, unsigned m, unsigned d);

    // Parses "YYYY-MM-DD"; nullopt for anything else (including 2025-02-30).
    static std::optional<Date> parse(std::string_view text);
    // Like parse(), throwing UsageError with a sentence naming the bad value.
    static Date parseOrThrow(std::string_view text, std::string_view what);
    // Today's date in US Eastern time.
    static Date todayEastern();

    std::chrono::year_month_day ymd() const { return std::chrono::year_month_day(m_days); }
    std::chrono::sys_days days() const { return m_days; }
    int year() const { return int(ymd().year()); }
    unsigned month() const { return unsigned(ymd().month()); }
    unsigned day() const { return unsigned(ymd().day()); }
    unsigned weekday() const { return std::chrono::weekday(m_days).c_encoding(); } // 0 = Sunday

    Date addDays(int n) const { return fromDays(m_days + std::chrono::days(n)); }
    int daysUntil(Date other) const { return int((other.m_days - m_days).count()); }

    std::string iso() const;        // 2024-01-02
    std::string nbaStatsFormat() const; // 01/02/2024 (stats.nba.com GameDate parameter)

    auto operator<=>(const Date&) const = default;

private:
    std::chrono::sys_days m_days{};
};

// The longest range of dates any command or page takes (ten years): longer is a typo.
inline constexpr int kMaxRangeDays = 3660;

// Wall-clock timestamps are stored as UTC ISO-8601 text with milliseconds ("...Z"), which sorts.
using TimePoint = std::chrono::system_clock::time_point;
std::string toIsoUtc(TimePoint t);
// The same for any millisecond of years 1 to 9999 (a TimePoint holds only 1678 to 2262).
std::string toIsoUtc(std::chrono::sys_time<std::chrono::milliseconds> t);
// The wall clock now, as toIsoUtc writes it (a row's created_at, an audit row).
std::string nowIsoUtc();
// Seconds elapsed since a steady-clock instant (a job's timings).
double secondsSince(std::chrono::steady_clock::time_point t0);
// An age for people: "42 s", "12 min", "3 h", "4 days".
std::string ageText(double seconds);
std::optional<TimePoint> parseIsoUtc(std::string_view text);
// Offset of US Eastern time from UTC at instant t (-4 h in daylight time, -5 h otherwise).
std::chrono::minutes easternOffset(TimePoint t);
// The instant at which it is hh:mm US Eastern on the given date.
TimePoint easternTime(Date d, int hour, int minute);
// "2024-01-03 06:12 ET"
std::string formatEastern(TimePoint t);
// The US Eastern calendar date at instant t.
Date easternDateOf(TimePoint t);

// A clock the pipeline reads; the demo and the tests substitute their own.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};
class SystemClock final : public Clock
{
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

} // namespace nbaops
