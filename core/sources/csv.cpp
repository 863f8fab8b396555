#include "csv.h"

#include "util/errors.h"

#include <zlib.h>

namespace nbaops::sources {

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
    m_problem.clear();
    // The field strings of the previous record are reused (their buffers are kept).
    size_t count = 0;
    const auto slot = [&]() -> std::string& {
        if (count == fields.size())
            fields.emplace_back();
        std::string& f = fields[count++];
        f.clear();
        return f;
    };
    std::string& line = m_lineBuffer;
    if (!readLine(line)) {
        fields.clear();
        return false;
    }
    m_recordLine = ++m_line;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    // A byte-order mark, as spreadsheet programs write at the start of a UTF-8 file.
    if (m_line == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
        line.erase(0, 3);
    size_t i = 0;
    while (true) {
        std::string& field = slot();
        if (i < line.size() && line[i] == '"') {
            // Quoted: doubled quotes are one quote; a line break inside quotes continues the record.
            ++i;
            while (true) {
                if (i >= line.size()) {
                    std::string more;
                    if (!readLine(more)) {
                        m_problem = "a quoted field is never closed";
                        fields.resize(count);
                        return true;
                    }
                    ++m_line;
                    if (!more.empty() && more.back() == '\r')
                        more.pop_back();
                    field += '\n';
                    line = std::move(more);
                    i = 0;
                    continue;
                }
                const char c = line[i++];
                if (c != '"') {
                    field += c;
                } else if (i < line.size() && line[i] == '"') {
                    field += '"';
                    ++i;
                } else {
                    break;
                }
            }
            // Anything between the closing quote and the comma belongs to the field too.
            const size_t comma = line.find(',', i);
            field.append(line, i, (comma == std::string::npos ? line.size() : comma) - i);
            if (comma == std::string::npos)
                break;
            i = comma + 1;
            continue;
        }
        const size_t comma = line.find(',', i);
        field.assign(line, i, (comma == std::string::npos ? line.size() : comma) - i);
        if (comma == std::string::npos)
            break;
        i = comma + 1;
    }
    fields.resize(count);
    return true;
}

} // namespace nbaops::sources
