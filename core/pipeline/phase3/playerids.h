#pragma once

#include "util/date.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::pipeline {

// A balldontlie player matched to an NBA.com id (player_id_map), and how.
struct IdMapping
{
    int64_t bdlId = 0, playerId = 0;
    std::string name, method; // name | name_team | unmatched
};

// NBA.com player ids for balldontlie's players: the stored mapping, else by name and team,
// else by name alone when one NBA.com player seen in the last two years has it; else the
// negative balldontlie id (unmatched). New matches are collected for player_id_map.
class BdlPlayerIds
{
public:
    BdlPlayerIds(store::Database& db, Date date);

    int64_t idOf(int64_t bdlId, const std::string& name, int64_t teamId);
    // Undoes the new match of `bdlId` (a namesake took the same id): it keeps its own id.
    void unmatch(IdMapping& m) const;

    std::vector<IdMapping> newMappings;
    int known = 0; // players with a stored mapping
    int count(const std::string& method) const;

private:
    store::Database& m_db;
    Date m_date;
    std::optional<std::map<int64_t, int64_t>> m_mapped; // bdl id -> NBA.com id, read when first needed
    // NBA.com players seen in the last two years: match key -> (player id -> latest team); read
    // on the first player without a stored mapping.
    std::optional<std::map<std::string, std::map<int64_t, int64_t>>> m_index;
    void loadMapped();
    void buildIndex();
};

} // namespace nbaops::pipeline
