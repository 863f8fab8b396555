#include "csv.h"

#include "util/errors.h"

#include <zlib.h>

namespace nbaops::importer {

struct CsvReader::Impl
{
    gzFile file = nullptr;
    std::filesystem::path path;
    std::string buffer;
    size_t pos = 0;
    bool eof = false;
};

CsvReader::CsvReader(const std::filesystem::path& path) : d(std::make_unique<Impl>())
{
    d->path = path;
    // zlib reads plain files unchanged and decompresses gzip ones.
    d->file = gzopen(path.c_str(), "rb");
    if (!d->file)
        throw OpsError("Cannot open " + path.string() + ": check the path and that the file is readable.");
    gzbuffer(d->file, 1 << 17);
}

CsvReader::~CsvReader()
{
    if (d->file)
        gzclose(d->file);
}

bool CsvReader::readLine(std::string& out)
{
    out.clear();
    while (true) {
        if (d->pos >= d->buffer.size()) {
            if (d->eof)
                return !out.empty();
            d->buffer.resize(1 << 16);
            const int n = gzread(d->file, d->buffer.data(), unsigned(d->buffer.size()));
            if (n < 0) {
                int code = 0;
                const char* msg = gzerror(d->file, &code);
                throw OpsError("Reading " + d->path.string() + " failed at line " + std::to_string(m_line + 1) + ": " +
                               (msg ? msg : "unknown error") + ". The file may be truncated or not gzip.");
            }
            d->buffer.resize(size_t(n));
            d->pos = 0;
            if (n == 0) {
                d->eof = true;
                return !out.empty();
            }
        }
        const size_t nl = d->buffer.find('\n', d->pos);
        if (nl == std::string::npos) {
            out.append(d->buffer, d->pos, std::string::npos);
            d->pos = d->buffer.size();
            continue;
        }
        out.append(d->buffer, d->pos, nl - d->pos);
        d->pos = nl + 1;
        return true;
    }
}

bool CsvReader::next(std::vector<std::string>& fields)
{
    fields.clear();
    m_problem.clear();
    std::string line;
    if (!readLine(line))
        return false;
    m_recordLine = ++m_line;
    std::string field;
    bool quoted = false;
    size_t i = 0;
    while (true) {
        if (i >= line.size()) {
            if (quoted) {
                // A line break inside quotes: the record goes on.
                std::string more;
                if (!readLine(more)) {
                    m_problem = "a quoted field is never closed";
                    fields.push_back(field);
                    return true;
                }
                ++m_line;
                field += '\n';
                line = std::move(more);
                i = 0;
                continue;
            }
            break;
        }
        const char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c != '\r' || i + 1 != line.size()) {
            field += c;
        }
        ++i;
    }
    fields.push_back(std::move(field));
    return true;
}

} // namespace nbaops::importer
