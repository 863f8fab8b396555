#include "manifest.h"

#include "util/errors.h"
#include "util/files.h"
#include "util/jsonnum.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <type_traits>

namespace nbaops::dr {

using nlohmann::json;

namespace {

json fileJson(const ManifestFile& f)
{
    json j{{"path", f.path}, {"bytes", f.bytes}, {"sha256", f.sha256}};
    if (f.rows >= 0)
        j["rows"] = f.rows;
    return j;
}

template <typename T> T field(const json& j, const char* name, const std::string& where)
{
    if (!j.is_object() || !j.contains(name))
        throw OpsError("The manifest has no \"" + std::string(name) + "\" in " + where + ".");
    if constexpr (std::is_integral_v<T>) { // a float that does not fit must never be cast
        const auto n = jsonWholeNumber(j.at(name));
        if (!n || *n < std::numeric_limits<T>::min() || *n > std::numeric_limits<T>::max())
            throw OpsError("The manifest's \"" + std::string(name) + "\" in " + where + " is not a whole number.");
        return T(*n);
    }
    try {
        return j.at(name).get<T>();
    } catch (const json::exception&) {
        throw OpsError("The manifest's \"" + std::string(name) + "\" in " + where +
                       " has the wrong type.");
    }
}

ManifestFile fileFrom(const json& j, const std::string& where)
{
    ManifestFile f;
    f.path = field<std::string>(j, "path", where);
    f.bytes = field<int64_t>(j, "bytes", where + " " + f.path);
    f.sha256 = field<std::string>(j, "sha256", where + " " + f.path);
    f.rows = j.contains("rows") ? field<int64_t>(j, "rows", where + " " + f.path) : -1;
    if (f.path.empty() || f.path.front() == '/' || f.path.find("..") != std::string::npos)
        throw OpsError("The manifest names a file outside the backup: \"" + f.path + "\".");
    return f;
}

} // namespace

int64_t Manifest::totalBytes() const
{
    int64_t n = database.bytes;
    for (const auto& f : files)
        n += f.bytes;
    for (const auto& f : exports)
        n += f.bytes;
    return n;
}

const TableSum* Manifest::table(const std::string& name) const
{
    for (const auto& t : tables) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

json toJson(const Manifest& m)
{
    json tables = json::array();
    for (const auto& t : m.tables)
        tables.push_back({{"name", t.name}, {"rows", t.rows}, {"checksum", t.checksum}});
    json files = json::array();
    for (const auto& f : m.files)
        files.push_back(fileJson(f));
    json exports = json::array();
    for (const auto& f : m.exports)
        exports.push_back(fileJson(f));
    json newest = nullptr;
    if (m.newestRun)
        newest = {{"id", m.newestRun->id},
                  {"processor", m.newestRun->processor},
                  {"game_date", m.newestRun->gameDate},
                  {"status", m.newestRun->status},
                  {"started_at", m.newestRun->startedAt},
                  {"finished_at", m.newestRun->finishedAt}};
    return json{{"format", m.format},
                {"id", m.id},
                {"created_at", m.createdAt},
                {"created_by", m.createdBy},
                {"host", m.host},
                {"kind", m.kind},
                {"source", m.source},
                {"schema_version", m.schemaVersion},
                {"chosen_tables", m.chosenTables},
                {"seconds", m.seconds},
                {"database", fileJson(m.database)},
                {"tables", tables},
                {"newest_run", newest},
                {"files", files},
                {"exports", exports}};
}

Manifest manifestFromJson(const json& j)
{
    Manifest m;
    const std::string top = "the manifest";
    m.format = field<int>(j, "format", top);
    if (m.format != 1)
        throw OpsError("The manifest's format " + std::to_string(m.format) +
                       " is newer than this nbaops understands (1); use a newer nbaops.");
    m.id = field<std::string>(j, "id", top);
    m.createdAt = field<std::string>(j, "created_at", top);
    m.createdBy = field<std::string>(j, "created_by", top);
    m.host = field<std::string>(j, "host", top);
    m.kind = field<std::string>(j, "kind", top);
    m.source = field<std::string>(j, "source", top);
    m.schemaVersion = field<int>(j, "schema_version", top);
    m.chosenTables = field<std::vector<std::string>>(j, "chosen_tables", top);
    m.seconds = field<double>(j, "seconds", top);
    m.database = fileFrom(field<json>(j, "database", top), "the database entry");
    for (const auto& t : field<json>(j, "tables", top)) {
        TableSum s;
        s.name = field<std::string>(t, "name", "a table entry");
        s.rows = field<int64_t>(t, "rows", "the table " + s.name);
        s.checksum = field<std::string>(t, "checksum", "the table " + s.name);
        m.tables.push_back(std::move(s));
    }
    if (const auto& n = field<json>(j, "newest_run", top); !n.is_null()) {
        NewestRun r;
        r.id = field<int64_t>(n, "id", "newest_run");
        r.processor = field<std::string>(n, "processor", "newest_run");
        r.gameDate = field<std::string>(n, "game_date", "newest_run");
        r.status = field<std::string>(n, "status", "newest_run");
        r.startedAt = field<std::string>(n, "started_at", "newest_run");
        r.finishedAt = field<std::string>(n, "finished_at", "newest_run");
        m.newestRun = r;
    }
    for (const auto& f : field<json>(j, "files", top))
        m.files.push_back(fileFrom(f, "the files"));
    for (const auto& f : field<json>(j, "exports", top))
        m.exports.push_back(fileFrom(f, "the exports"));
    return m;
}

void writeManifest(const std::filesystem::path& folder, const Manifest& m)
{
    const std::string text = toJson(m).dump(1) + "\n";
    writeFileAtomically(folder / kManifestName, text);
    writeFileAtomically(folder / kManifestSeal, sha256Hex(text) + "  " + kManifestName + "\n");
}

LoadedManifest readManifest(const std::filesystem::path& folder)
{
    LoadedManifest out;
    std::string text;
    try {
        text = readFile(folder / kManifestName);
    } catch (const OpsError&) {
        out.problem = "manifest.json is missing or unreadable";
        return out;
    }
    try {
        const std::string seal = readFile(folder / kManifestSeal);
        const std::string expected = seal.substr(0, seal.find(' '));
        out.sealed = expected == sha256Hex(text);
        if (!out.sealed)
            out.problem = "manifest.json was changed after the backup was made (its SHA-256 " +
                          sha256Hex(text).substr(0, 12) + "… is not the sealed " +
                          expected.substr(0, 12) + "…)";
    } catch (const OpsError&) {
        out.problem = "manifest.json.sha256 (the manifest's seal) is missing";
    }
    try {
        out.manifest = manifestFromJson(json::parse(text));
    } catch (const json::exception& e) {
        out.problem = std::string("manifest.json is not valid JSON: ") + e.what();
    } catch (const OpsError& e) {
        out.problem = e.what();
    }
    return out;
}

} // namespace nbaops::dr
