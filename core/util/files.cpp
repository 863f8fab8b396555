#include "files.h"

#include "errors.h"

#include <openssl/evp.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <unistd.h>

namespace nbaops {

namespace fs = std::filesystem;

void writeFileAtomically(const fs::path& path, std::string_view bytes, bool durable)
{
    static std::atomic<unsigned> counter{0};
    std::error_code ec;
    if (!path.parent_path().empty()) // a bare file name lives in the current folder
        fs::create_directories(path.parent_path(), ec);
    if (ec)
        throw OpsError("Cannot create folder " + path.parent_path().string() + ": " + ec.message() +
                       ". Check the permissions of the data folder.");
    const fs::path tmp =
        path.parent_path() / ("." + path.filename().string() + ".tmp-" +
                              std::to_string(::getpid()) + "-" + std::to_string(counter++));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw OpsError("Cannot write " + tmp.string() + ": " + std::strerror(errno) +
                       ". Check free space and permissions of the data folder.");
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw OpsError("Writing " + path.string() + " failed: " + why +
                           ". Nothing was replaced; free some space and run again.");
        }
        done += size_t(n);
    }
    if (durable)
        ::fsync(fd);
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw OpsError("Cannot move " + tmp.string() + " into place: " + why + ".");
    }
}

void syncFilesystem(const fs::path& anyPathOnIt)
{
    const int fd = ::open(anyPathOnIt.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw OpsError("Cannot open " + anyPathOnIt.string() +
                       " to flush it: " + std::strerror(errno) + ".");
    const int rc = ::syncfs(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0)
        throw OpsError("Flushing the files under " + anyPathOnIt.string() + " failed: " +
                       std::strerror(err) + ". Check the disk, then run the date again.");
}

namespace {

// What went wrong reading a file a person named, and what to do about it.
OpsError cannotRead(const fs::path& path, int err)
{
    std::string advice = "Check the path and the disk.";
    if (err == ENOENT)
        advice = "There is no such file: check the path.";
    else if (err == EACCES || err == EPERM)
        advice = "This user may not read it: check its permissions and its folder's (ls -l).";
    else if (err == EISDIR)
        advice = "It is a folder: give the file in it.";
    return OpsError("Cannot read " + path.string() + ": " + std::strerror(err) + ". " + advice);
}

} // namespace

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw cannotRead(path, errno);
    std::ostringstream ss;
    ss << in.rdbuf();
    return std::move(ss).str();
}

namespace {

std::string hexOf(const unsigned char* md, unsigned len)
{
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(size_t(len) * 2);
    for (unsigned i = 0; i < len; ++i) {
        out.push_back(hex[md[i] >> 4]);
        out.push_back(hex[md[i] & 15]);
    }
    return out;
}

} // namespace

std::string sha256Hex(std::string_view bytes)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw OpsError("SHA-256 computation failed (OpenSSL).");
    return hexOf(md, len);
}

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new())
{
    if (!m_ctx || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), EVP_sha256(), nullptr) != 1)
        throw OpsError("SHA-256 computation failed (OpenSSL).");
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx));
}

void Sha256::update(std::string_view bytes)
{
    if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), bytes.data(), bytes.size()) != 1)
        throw OpsError("SHA-256 computation failed (OpenSSL).");
}

std::string Sha256::hex()
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_ctx), md, &len) != 1)
        throw OpsError("SHA-256 computation failed (OpenSSL).");
    return hexOf(md, len);
}

FileDigest sha256File(const fs::path& path, const std::function<void(std::string_view)>& sink)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw cannotRead(path, errno);
    Sha256 h;
    FileDigest out;
    // One block per thread, kept: a backup hashes hundreds of small files, and a fresh zeroed
    // megabyte for each cost more than the hashing (most under a sanitizer's allocator).
    thread_local std::string block(size_t(1) << 20, '\0');
    while (in) {
        in.read(block.data(), std::streamsize(block.size()));
        const auto n = in.gcount();
        if (n <= 0)
            break;
        const std::string_view piece(block.data(), size_t(n));
        h.update(piece);
        if (sink)
            sink(piece);
        out.bytes += n;
    }
    if (in.bad())
        throw OpsError("Reading " + path.string() + " failed: " + std::strerror(errno) + ".");
    out.sha256 = h.hex();
    return out;
}

fs::path defaultDataDir()
{
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        return fs::path(x) / "nbaops";
    if (const char* h = std::getenv("HOME"); h && *h)
        return fs::path(h) / ".local" / "share" / "nbaops";
    return fs::current_path() / ".nbaops";
}

fs::path defaultDatabasePath()
{
    return defaultDataDir() / "nbaops.db";
}

fs::path defaultConfigDir()
{
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        return fs::path(x) / "nbaops";
    if (const char* h = std::getenv("HOME"); h && *h)
        return fs::path(h) / ".config" / "nbaops";
    return fs::current_path() / ".nbaops";
}

std::string currentUserName()
{
    for (const char* var : {"USER", "LOGNAME"}) {
        const char* u = std::getenv(var);
        if (u && *u)
            return u;
    }
    if (const passwd* pw = ::getpwuid(::getuid()))
        return pw->pw_name;
    return "";
}

} // namespace nbaops
