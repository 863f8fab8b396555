#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nbaops::sources {

// The 30 NBA teams with each source's own identifiers: NBA.com team ids and tricodes are the
// canonical ones; ESPN and balldontlie number and abbreviate them differently.
struct TeamIds
{
    int64_t nbaId;         // 1610612737..1610612766
    const char* tricode;   // NBA.com: "NYK"
    const char* espnAbbr;  // ESPN: "NY"
    int espnId;            // ESPN: 18
    int bdlId;             // balldontlie v1: 20
    const char* city;
    const char* name;
};

const TeamIds* teamByNbaId(int64_t id);
const TeamIds* teamByTricode(std::string_view tricode);
const TeamIds* teamByEspnAbbr(std::string_view abbr);
const TeamIds* teamByBdlId(int64_t id);

// A player's name reduced for matching across sources: ASCII letters only, lower case, accents
// folded (Dončić -> doncic), generational suffixes dropped (Jr., III), so "Luka Dončić" and
// "Luka Doncic" or "Gary Trent Jr." and "Gary Trent" compare equal.
std::string matchKey(std::string_view fullName);

} // namespace nbaops::sources
