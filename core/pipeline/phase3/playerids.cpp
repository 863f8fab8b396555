#include "playerids.h"

#include "sources/teams.h"
#include "store/database.h"

namespace nbaops::pipeline {

BdlPlayerIds::BdlPlayerIds(store::Database& db, Date date) : m_db(db), m_date(date) {}

void BdlPlayerIds::loadMapped()
{
    m_mapped.emplace();
    auto st = m_db.prepare("SELECT source_player_id, player_id FROM player_id_map WHERE source = 'balldontlie'"
                           " AND method <> 'unmatched'");
    while (st.step())
        (*m_mapped)[st.getInt(0)] = st.getInt(1);
}

void BdlPlayerIds::buildIndex()
{
    m_index.emplace();
    auto st = m_db.prepare("SELECT player_id, player_name, team_id FROM player_game_summary WHERE source = 'nba_com'"
                           " AND game_date < ? AND game_date >= ? ORDER BY game_date");
    st.bindAll(m_date.iso(), m_date.addDays(-730).iso());
    while (st.step())
        (*m_index)[sources::matchKey(st.getText(1))][st.getInt(0)] = st.getInt(2);
}

int64_t BdlPlayerIds::idOf(int64_t bdlId, const std::string& name, int64_t teamId)
{
    if (!m_mapped)
        loadMapped();
    if (const auto it = m_mapped->find(bdlId); it != m_mapped->end()) {
        ++known;
        return it->second;
    }
    if (!m_index)
        buildIndex();
    // Name and team first; name alone only when one NBA.com player has that name.
    IdMapping m{bdlId, -bdlId, name, "unmatched"};
    const auto cand = m_index->find(sources::matchKey(name));
    if (cand != m_index->end()) {
        std::vector<int64_t> sameTeam;
        for (const auto& [pid, team] : cand->second) {
            if (team == teamId)
                sameTeam.push_back(pid);
        }
        if (sameTeam.size() == 1) {
            m.playerId = sameTeam.front();
            m.method = "name_team";
        } else if (cand->second.size() == 1) {
            m.playerId = cand->second.begin()->first;
            m.method = "name";
        }
    }
    (*m_mapped)[bdlId] = m.playerId;
    newMappings.push_back(m);
    return m.playerId;
}

void BdlPlayerIds::unmatch(IdMapping& m) const
{
    m.playerId = -m.bdlId;
    m.method = "unmatched";
}

int BdlPlayerIds::count(const std::string& method) const
{
    int n = 0;
    for (const auto& m : newMappings)
        n += m.method == method;
    return n;
}

} // namespace nbaops::pipeline
