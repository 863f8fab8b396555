#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nbaops::net {

struct HttpOptions
{
    std::chrono::milliseconds connectTimeout{3000};
    std::chrono::milliseconds totalTimeout{20000};   // per attempt
    int maxAttempts = 4;                             // 1 + retries
    std::chrono::milliseconds backoffBase{1000};     // 1 s, 2 s, 4 s ... with jitter
    std::chrono::milliseconds backoffCap{60000};
    size_t maxBytes = 64u << 20;                     // larger bodies are refused
    std::string userAgent = "nbaops/0.1 (+https://github.com/nbaops)";
    std::string acceptEncoding; // "" for every encoding libcurl decodes; "gzip" as Google's APIs document
};

struct HttpResponse
{
    int status = 0;              // 0 when no HTTP answer arrived
    std::string body;
    std::map<std::string, std::string> headers; // lower-case names
    int attempts = 0;
    bool timedOut = false;       // the last attempt ended on a timeout
    std::string error;           // transport error of the last attempt, empty on an answer
    std::vector<std::chrono::milliseconds> delays; // backoff waits taken
    double elapsedMs = 0;
    long newConnections = 0;     // connections opened for this request (0 when one was reused)
    bool ok() const { return status >= 200 && status < 300 && error.empty(); }
    std::string describe() const; // "HTTP 500 after 4 attempts" / "timed out after ..."
};

// A libcurl client for one thread: one easy handle reused (keep-alive), connect and total
// timeouts, retries with exponential backoff and jitter on 5xx, 429 (Retry-After honoured),
// timeouts and connection failures. Waits stop early when the cancel flag is raised.
class HttpClient
{
public:
    explicit HttpClient(HttpOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse get(const std::string& url,
                     const std::vector<std::pair<std::string, std::string>>& headers = {});
    // POSTs `body` (headers should name its Content-Type); retried like get().
    HttpResponse post(const std::string& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers = {});
    void setCancelFlag(const std::atomic<bool>* cancel) { m_cancel = cancel; }
    const HttpOptions& options() const { return m_options; }

    // The backoff before retry number `retry` (1-based): base * 2^(retry-1), capped, with
    // "equal jitter" (uniform in [d/2, d]).
    static std::chrono::milliseconds backoff(const HttpOptions& o, int retry, double unit);

private:
    HttpOptions m_options;
    void* m_curl = nullptr;
    const std::atomic<bool>* m_cancel = nullptr;
    uint64_t m_jitterState;
    bool sleepFor(std::chrono::milliseconds d); // false when cancelled
    HttpResponse perform(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string* body);
};

} // namespace nbaops::net
