#include "teams.h"

#include <array>
#include <cctype>
#include <vector>

namespace nbaops::sources {

namespace {

constexpr std::array<TeamIds, 30> kTeams = {{
    {1610612737, "ATL", "ATL", 1, 1, "Atlanta", "Hawks"},
    {1610612738, "BOS", "BOS", 2, 2, "Boston", "Celtics"},
    {1610612751, "BKN", "BKN", 17, 3, "Brooklyn", "Nets"},
    {1610612766, "CHA", "CHA", 30, 4, "Charlotte", "Hornets"},
    {1610612741, "CHI", "CHI", 4, 5, "Chicago", "Bulls"},
    {1610612739, "CLE", "CLE", 5, 6, "Cleveland", "Cavaliers"},
    {1610612742, "DAL", "DAL", 6, 7, "Dallas", "Mavericks"},
    {1610612743, "DEN", "DEN", 7, 8, "Denver", "Nuggets"},
    {1610612765, "DET", "DET", 8, 9, "Detroit", "Pistons"},
    {1610612744, "GSW", "GS", 9, 10, "Golden State", "Warriors"},
    {1610612745, "HOU", "HOU", 10, 11, "Houston", "Rockets"},
    {1610612754, "IND", "IND", 11, 12, "Indiana", "Pacers"},
    {1610612746, "LAC", "LAC", 12, 13, "LA", "Clippers"},
    {1610612747, "LAL", "LAL", 13, 14, "Los Angeles", "Lakers"},
    {1610612763, "MEM", "MEM", 29, 15, "Memphis", "Grizzlies"},
    {1610612748, "MIA", "MIA", 14, 16, "Miami", "Heat"},
    {1610612749, "MIL", "MIL", 15, 17, "Milwaukee", "Bucks"},
    {1610612750, "MIN", "MIN", 16, 18, "Minnesota", "Timberwolves"},
    {1610612740, "NOP", "NO", 3, 19, "New Orleans", "Pelicans"},
    {1610612752, "NYK", "NY", 18, 20, "New York", "Knicks"},
    {1610612760, "OKC", "OKC", 25, 21, "Oklahoma City", "Thunder"},
    {1610612753, "ORL", "ORL", 19, 22, "Orlando", "Magic"},
    {1610612755, "PHI", "PHI", 20, 23, "Philadelphia", "76ers"},
    {1610612756, "PHX", "PHX", 21, 24, "Phoenix", "Suns"},
    {1610612757, "POR", "POR", 22, 25, "Portland", "Trail Blazers"},
    {1610612758, "SAC", "SAC", 23, 26, "Sacramento", "Kings"},
    {1610612759, "SAS", "SA", 24, 27, "San Antonio", "Spurs"},
    {1610612761, "TOR", "TOR", 28, 28, "Toronto", "Raptors"},
    {1610612762, "UTA", "UTAH", 26, 29, "Utah", "Jazz"},
    {1610612764, "WAS", "WSH", 27, 30, "Washington", "Wizards"},
}};

template <typename Pred>
const TeamIds* findTeam(Pred&& pred)
{
    for (const auto& t : kTeams) {
        if (pred(t))
            return &t;
    }
    return nullptr;
}

// Two-byte UTF-8 Latin letters (U+00C0..U+017F) folded to their base ASCII letter.
char foldLatin(unsigned cp)
{
    static const char* const latin1 = // U+00C0..U+00FF
        "AAAAAAACEEEEIIII" "DNOOOOO*OUUUUYTs" "aaaaaaaceeeeiiii" "dnooooo/ouuuuyty";
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1[cp - 0xC0];
    static const char* const extA = // U+0100..U+017F, pairs upper/lower
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    if (cp >= 0x100 && cp <= 0x17F)
        return extA[cp - 0x100];
    return 0;
}

} // namespace

const TeamIds* teamByNbaId(int64_t id)
{
    return findTeam([&](const TeamIds& t) { return t.nbaId == id; });
}
const TeamIds* teamByTricode(std::string_view tricode)
{
    return findTeam([&](const TeamIds& t) { return tricode == t.tricode; });
}
const TeamIds* teamByEspnAbbr(std::string_view abbr)
{
    return findTeam([&](const TeamIds& t) { return abbr == t.espnAbbr; });
}
const TeamIds* teamByBdlId(int64_t id)
{
    return findTeam([&](const TeamIds& t) { return t.bdlId == id; });
}

std::string matchKey(std::string_view fullName)
{
    // Words of ASCII letters and digits, accents folded; punctuation splits or joins words
    // the way the sources differ ("O'Neale" = "ONeale", "Jaren Jackson Jr." = "Jaren Jackson").
    std::vector<std::string> words(1);
    for (size_t i = 0; i < fullName.size(); ++i) {
        const auto c = static_cast<unsigned char>(fullName[i]);
        char out = 0;
        if (c < 0x80) {
            if (std::isalnum(c))
                out = char(std::tolower(c));
            else if (c == ' ' || c == '-' || c == '\t') {
                if (!words.back().empty())
                    words.emplace_back();
                continue;
            } else {
                continue; // apostrophes, periods
            }
        } else if ((c & 0xE0) == 0xC0 && i + 1 < fullName.size()) {
            const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(fullName[i + 1]) & 0x3Fu);
            ++i;
            out = char(std::tolower(static_cast<unsigned char>(foldLatin(cp))));
            if (out == '*' || out == '/')
                out = 0;
        } else {
            while (i + 1 < fullName.size() && (static_cast<unsigned char>(fullName[i + 1]) & 0xC0) == 0x80)
                ++i; // other scripts: skipped
        }
        if (out)
            words.back().push_back(out);
    }
    if (words.back().empty())
        words.pop_back();
    while (words.size() > 2) {
        const std::string& w = words.back();
        if (w == "jr" || w == "sr" || w == "ii" || w == "iii" || w == "iv" || w == "v")
            words.pop_back();
        else
            break;
    }
    std::string key;
    for (const auto& w : words)
        key += (key.empty() ? "" : " ") + w;
    return key;
}

} // namespace nbaops::sources
