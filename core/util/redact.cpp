#include "redact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <utility>
#include <vector>

namespace nbaops::redact {
namespace {

struct Known
{
    std::string name;
    std::string value;
};

std::mutex& knownMutex()
{
    static std::mutex m;
    return m;
}

std::vector<Known>& known()
{
    static std::vector<Known> k;
    return k;
}

bool lowerEquals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool isSecretParam(std::string_view name)
{
    static constexpr std::array<std::string_view, 13> names = {
        "apikey", "api_key",   "key",      "token",  "access_token",  "id_token", "refresh_token",
        "sig",    "signature", "password", "secret", "client_secret", "assertion"};
    return std::any_of(names.begin(), names.end(),
                       [&](std::string_view n) { return lowerEquals(n, name); });
}

bool valueChar(char c)
{
    return !(std::isspace(static_cast<unsigned char>(c)) || c == '&' || c == '"' || c == '\'' ||
             c == '#' || c == '<' || c == '>' || c == ',' || c == ')');
}

// ?apiKey=...&token=... : the values of parameters named like credentials.
void maskQuery(std::string& s)
{
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '?' && s[i] != '&')
            continue;
        const size_t eq = s.find('=', i + 1);
        if (eq == std::string::npos)
            return;
        const std::string_view name(s.data() + i + 1, eq - i - 1);
        if (name.empty() || name.size() > 20 || !std::all_of(name.begin(), name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
            }))
            continue;
        size_t end = eq + 1;
        while (end < s.size() && valueChar(s[end]))
            ++end;
        if (isSecretParam(name) && end > eq + 1)
            s.replace(eq + 1, end - eq - 1, "***");
    }
}

// scheme://user:password@host : the password.
void maskUserinfo(std::string& s)
{
    size_t at = 0;
    while ((at = s.find("://", at)) != std::string::npos) {
        const size_t start = at + 3;
        size_t end = start;
        while (end < s.size() && valueChar(s[end]) && s[end] != '/' && s[end] != '?')
            ++end;
        const size_t amp = s.rfind('@', end == 0 ? 0 : end - 1);
        if (amp != std::string::npos && amp >= start && amp < end) {
            const size_t colon = s.find(':', start);
            if (colon != std::string::npos && colon < amp)
                s.replace(colon + 1, amp - colon - 1, "***");
        }
        at = start;
    }
}

// "Bearer <token>" in a header or an error text.
void maskBearer(std::string& s)
{
    size_t at = 0;
    while ((at = s.find("Bearer ", at)) != std::string::npos) {
        const size_t start = at + 7;
        size_t end = start;
        while (end < s.size() && valueChar(s[end]))
            ++end;
        if (end > start)
            s.replace(start, end - start, "***");
        at = start;
    }
}

// Webhook URLs carry their secret in the path.
void maskWebhookPaths(std::string& s)
{
    for (std::string_view marker :
         {"hooks.slack.com/services/", "discord.com/api/webhooks/", "discordapp.com/api/webhooks/",
          "outlook.office.com/webhook/"}) {
        size_t at = 0;
        while ((at = s.find(marker, at)) != std::string::npos) {
            const size_t start = at + marker.size();
            size_t end = start;
            while (end < s.size() && valueChar(s[end]) && s[end] != '?')
                ++end;
            if (end > start)
                s.replace(start, end - start, "***");
            at = start;
        }
    }
}

} // namespace

void remember(std::string_view name, std::string_view value)
{
    if (value.size() < 6)
        return;
    std::lock_guard lock(knownMutex());
    auto& k = known();
    for (auto& e : k)
        if (e.value == value)
            return;
    k.push_back({std::string(name), std::string(value)});
    // Longest first, so a value that contains another is masked whole.
    std::sort(k.begin(), k.end(),
              [](const Known& a, const Known& b) { return a.value.size() > b.value.size(); });
}

void forgetAll()
{
    std::lock_guard lock(knownMutex());
    known().clear();
}

std::string text(std::string_view in)
{
    std::string s(in);
    {
        std::lock_guard lock(knownMutex());
        for (const auto& k : known()) {
            const std::string mark = "[secret:" + k.name + "]";
            size_t at = 0;
            while ((at = s.find(k.value, at)) != std::string::npos) {
                s.replace(at, k.value.size(), mark);
                at += mark.size();
            }
        }
    }
    maskUserinfo(s);
    maskQuery(s);
    maskBearer(s);
    maskWebhookPaths(s);
    return s;
}

} // namespace nbaops::redact
