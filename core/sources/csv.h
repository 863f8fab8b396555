#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace nbaops::sources {

// Reads an RFC 4180 CSV file, gzip-compressed or plain (told apart by its first bytes), one
// record at a time. Quoted fields may hold commas, doubled quotes and line breaks.
class CsvReader
{
public:
    explicit CsvReader(const std::filesystem::path& path); // throws OpsError
    ~CsvReader();
    CsvReader(const CsvReader&) = delete;
    CsvReader& operator=(const CsvReader&) = delete;

    // The next record into `fields`; false at the end of the file. `line()` is then the line
    // number (from 1) the record started on. Throws OpsError on a read error.
    bool next(std::vector<std::string>& fields);
    size_t line() const { return m_recordLine; }
    // A quote opened and never closed, on the last record read ("" when fine).
    const std::string& problem() const { return m_problem; }

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    size_t m_line = 0;
    size_t m_recordLine = 0;
    std::string m_problem;
    std::string m_lineBuffer;
    bool readLine(std::string& out);
};

} // namespace nbaops::sources
