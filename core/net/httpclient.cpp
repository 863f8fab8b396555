#include "httpclient.h"

#include "util/errors.h"
#include "util/log.h"
#include "util/redact.h"
#include "util/rng.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <thread>

namespace nbaops::net {

namespace {

void globalInit()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink
{
    std::string* body;
    std::map<std::string, std::string>* headers;
    size_t maxBytes;
    bool tooLarge = false;
};

size_t onBody(char* data, size_t size, size_t n, void* user)
{
    auto* s = static_cast<Sink*>(user);
    if (s->body->size() + size * n > s->maxBytes) {
        s->tooLarge = true;
        return 0; // aborts the transfer
    }
    s->body->append(data, size * n);
    return size * n;
}

size_t onHeader(char* data, size_t size, size_t n, void* user)
{
    auto* s = static_cast<Sink*>(user);
    const std::string line(data, size * n);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        const auto b = value.find_first_not_of(" \t");
        const auto e = value.find_last_not_of(" \t\r\n");
        (*s->headers)[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    } else if (line.rfind("HTTP/", 0) == 0) {
        s->headers->clear(); // a new response (after a redirect or 100-continue)
    }
    return size * n;
}

// Aborts a transfer in flight when the operator cancels (Ctrl-C, the console's Cancel).
int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto* cancel = static_cast<const std::atomic<bool>*>(user);
    return cancel && cancel->load() ? 1 : 0;
}

bool retryable(const HttpResponse& r)
{
    if (!r.error.empty())
        return true; // timeouts, refused or reset connections
    return r.status == 429 || r.status >= 500;
}

} // namespace

std::string HttpResponse::describe() const
{
    std::string what;
    if (timedOut)
        what = "timed out (" + error + ")";
    else if (!error.empty())
        what = error;
    else
        what = "HTTP " + std::to_string(status);
    return what + " after " + std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
}

HttpClient::HttpClient(HttpOptions options)
    : m_options(std::move(options)), m_jitterState(uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()))
{
    globalInit();
    m_curl = curl_easy_init();
    if (!m_curl)
        throw OpsError("libcurl could not start (curl_easy_init failed); the machine may be out "
                       "of memory.");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(m_curl)); }

std::chrono::milliseconds HttpClient::backoff(const HttpOptions& o, int retry, double unit)
{
    double d = double(o.backoffBase.count());
    for (int i = 1; i < retry && d < double(o.backoffCap.count()); ++i)
        d *= 2;
    d = std::min(d, double(o.backoffCap.count()));
    return std::chrono::milliseconds(int64_t(d / 2 + unit * d / 2));
}

bool HttpClient::sleepFor(std::chrono::milliseconds d)
{
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
        if (m_cancel && m_cancel->load())
            return false;
        const auto left = until - std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            left, std::chrono::milliseconds(20)));
    }
    return !(m_cancel && m_cancel->load());
}

HttpResponse HttpClient::get(const std::string& url,
                             const std::vector<std::pair<std::string, std::string>>& headers)
{
    return perform(url, headers, nullptr);
}

HttpResponse HttpClient::post(const std::string& url, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers)
{
    return perform(url, headers, &body);
}

HttpResponse HttpClient::perform(const std::string& url,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string* body)
{
    CURL* c = static_cast<CURL*>(m_curl);
    HttpResponse out;
    const auto started = std::chrono::steady_clock::now();
    Rng jitter(m_jitterState++);
    for (int attempt = 1; attempt <= m_options.maxAttempts; ++attempt) {
        HttpResponse r;
        r.attempts = attempt;
        Sink sink{&r.body, &r.headers, m_options.maxBytes};
        char errbuf[CURL_ERROR_SIZE] = {0};
        curl_slist* list = nullptr;
        for (const auto& [k, v] : headers)
            list = curl_slist_append(list, (k + ": " + v).c_str());
        list = curl_slist_append(list, "Accept: application/json");
        curl_easy_reset(c); // keeps the connection cache
        curl_easy_setopt(c, CURLOPT_URL, url.c_str());
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
        curl_easy_setopt(c, CURLOPT_USERAGENT, m_options.userAgent.c_str());
        // "" offers every encoding libcurl has (gzip, deflate, br).
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, m_options.acceptEncoding.c_str());
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(m_options.connectTimeout.count()));
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(m_options.totalTimeout.count()));
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, m_cancel);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        if (body) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body->size()));
        }
        const CURLcode rc = curl_easy_perform(c);
        curl_slist_free_all(list);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        long connects = 0;
        curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
        const long opened = out.newConnections + connects;
        if (rc != CURLE_OK) {
            r.status = 0;
            r.timedOut = rc == CURLE_OPERATION_TIMEDOUT;
            if (rc == CURLE_ABORTED_BY_CALLBACK) {
                r.error = "cancelled";
                r.delays = out.delays;
                out = std::move(r);
                break;
            }
            r.error = sink.tooLarge ? "response larger than " +
                                          std::to_string(m_options.maxBytes >> 20) + " MiB"
                                    : (errbuf[0] ? errbuf : curl_easy_strerror(rc));
        } else {
            r.status = int(status);
        }
        r.delays = out.delays;
        r.newConnections = opened;
        out = std::move(r);
        if (!retryable(out) || sink.tooLarge || attempt == m_options.maxAttempts)
            break;
        auto wait = backoff(m_options, attempt, jitter.uniform());
        if (out.status == 429) {
            const auto it = out.headers.find("retry-after");
            if (it != out.headers.end()) {
                const int secs = std::atoi(it->second.c_str());
                if (secs > 0)
                    wait = std::min(m_options.backoffCap, std::chrono::milliseconds(secs * 1000));
            }
        }
        log::debug("http", redact::text(url) + ": " + out.describe() + ", retrying in " +
                               std::to_string(wait.count()) + " ms");
        out.delays.push_back(wait);
        if (!sleepFor(wait)) {
            out.error = "cancelled";
            break;
        }
    }
    out.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return out;
}

} // namespace nbaops::net
