#include "notify.h"

#include "net/httpclient.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace nbaops::alerts {

struct CurlSender::Impl
{
    std::unique_ptr<net::HttpClient> http;
};

CurlSender::CurlSender(std::chrono::milliseconds timeout) : m_timeout(timeout), d(std::make_unique<Impl>())
{
    net::HttpOptions o;
    o.maxAttempts = 1; // the outbox retries, with its own backoff
    o.totalTimeout = timeout;
    o.connectTimeout = std::min(timeout, std::chrono::milliseconds(3000));
    d->http = std::make_unique<net::HttpClient>(o);
}

CurlSender::~CurlSender() = default;

std::string CurlSender::send(const Receiver& receiver, const Message& message)
{
    if (!receiver.configured())
        return "receiver " + receiver.name + " is not configured (" + receiver.unconfigured + ")";
    if (receiver.type == "webhook")
        return webhook(receiver, message);
    if (receiver.type == "smtp")
        return smtp(receiver, message);
    return "receiver " + receiver.name + " has type " + receiver.type + ", which is not sent from here";
}

std::string CurlSender::webhook(const Receiver& receiver, const Message& message)
{
    const nlohmann::json payload = {{"text", message.subject + "\n" + message.body}};
    const auto res = d->http->post(receiver.url, payload.dump(),
                                   {{"Content-Type", "application/json"}, {"Idempotency-Key", message.idempotencyKey}});
    if (res.ok())
        return {};
    return res.describe();
}

namespace {

struct Upload
{
    const std::string* text;
    size_t pos = 0;
};

size_t readUpload(char* buffer, size_t size, size_t count, void* userdata)
{
    auto* u = static_cast<Upload*>(userdata);
    const size_t n = std::min(size * count, u->text->size() - u->pos);
    // libcurl reads `n` bytes of the body: no terminator is wanted.
    std::memcpy(buffer, u->text->data() + u->pos, n); // NOLINT(bugprone-not-null-terminated-result)
    u->pos += n;
    return n;
}

std::string crlf(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c == '\n')
            out += "\r\n";
        else if (c != '\r')
            out += c;
    }
    return out;
}

} // namespace

std::string emailText(const Receiver& receiver, const Message& message, TimePoint now)
{
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char date[64];
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    std::string to;
    for (const auto& r : receiver.to)
        to += (to.empty() ? "" : ", ") + r;
    std::string subject;
    for (char c : message.subject)
        subject += (c == '\r' || c == '\n') ? ' ' : c;
    return "Date: " + std::string(date) + "\r\nFrom: " + receiver.from + "\r\nTo: " + to + "\r\nMessage-ID: <" +
           message.idempotencyKey + "@nbaops>\r\nSubject: " + subject +
           "\r\nContent-Type: text/plain; charset=utf-8\r\nX-Nbaops-Severity: " + message.severity + "\r\n\r\n" +
           crlf(message.body);
}

std::string CurlSender::smtp(const Receiver& receiver, const Message& message)
{
    CURL* c = curl_easy_init();
    if (!c)
        return "libcurl could not start a transfer";
    const std::string text = emailText(receiver, message, std::chrono::system_clock::now());
    Upload up{&text};
    curl_slist* rcpt = nullptr;
    for (const auto& r : receiver.to)
        rcpt = curl_slist_append(rcpt, ("<" + r + ">").c_str());
    const std::string from = "<" + receiver.from + ">";
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, receiver.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    if (!receiver.user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, receiver.user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, receiver.password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, readUpload);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(std::min<long long>(m_timeout.count(), 3000)));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(m_timeout.count()));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    const CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK)
        return {};
    std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (code)
        why += " (SMTP " + std::to_string(code) + ")";
    return "e-mail to " + receiver.url + " failed: " + why;
}

} // namespace nbaops::alerts
