#include "secrets.h"

#include "keychain.h"
#include "util/errors.h"
#include "util/redact.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nbaops::secrets {
namespace {

namespace fs = std::filesystem;

std::string envValue(const Spec& spec)
{
    const char* v = std::getenv(spec.envVar.c_str());
    return v ? v : "";
}

std::string checkKeyFile(const std::string& path)
{
    std::error_code ec;
    if (path.empty() || !fs::is_regular_file(path, ec))
        return "the key file " + path +
               " does not exist (download a JSON key of the service account and give its path)";
    std::ifstream in(path);
    if (!in)
        return "the key file " + path + " cannot be read (check its permissions)";
    std::stringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return "the key file " + path + " is not JSON";
    if (!j.contains("type") || !j["type"].is_string() || j["type"].get<std::string>() != "service_account")
        return "the key file " + path +
               " is not a service-account key (its \"type\" is not service_account)";
    for (const char* field : {"client_email", "private_key", "token_uri"})
        if (!j.contains(field) || !j[field].is_string() || j[field].get<std::string>().empty())
            return std::string("the key file ") + path + " has no \"" + field + "\"";
    if (j["private_key"].get<std::string>().find("-----BEGIN PRIVATE KEY-----") ==
        std::string::npos)
        return "the key file " + path + " holds no PEM private key";
    const auto perms = fs::status(path, ec).permissions();
    if ((perms & (fs::perms::group_read | fs::perms::others_read)) != fs::perms::none)
        return "the key file " + path + " can be read by other users: chmod 600 it";
    return "";
}

std::optional<int> ageDays(const std::string& setAt, TimePoint now)
{
    const auto t = parseIsoUtc(setAt);
    if (!t)
        return std::nullopt;
    return int(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::hours>(now - *t).count() / 24));
}

std::string fileTime(const std::string& path)
{
    std::error_code ec;
    const auto t = fs::last_write_time(path, ec);
    if (ec)
        return "";
    const auto sys = std::chrono::file_clock::to_sys(t);
    return toIsoUtc(std::chrono::time_point_cast<std::chrono::milliseconds>(sys));
}

} // namespace

const char* sourceName(Source source)
{
    switch (source) {
    case Source::None:
        return "not set";
    case Source::Environment:
        return "environment";
    case Source::Keychain:
        return "keychain";
    }
    return "";
}

const char* rotationName(Rotation rotation)
{
    switch (rotation) {
    case Rotation::Ok:
        return "ok";
    case Rotation::Soon:
        return "soon";
    case Rotation::Due:
        return "due";
    case Rotation::Unknown:
        return "unknown";
    }
    return "";
}

Resolved get(const std::string& name)
{
    const Spec& s = spec(name);
    Resolved out;
    if (std::string v = envValue(s); !v.empty()) {
        out.value = std::move(v);
        out.source = Source::Environment;
    } else {
        try {
            if (auto stored = keychain::lookup(name)) {
                out.value = std::move(stored->value);
                out.setAt = std::move(stored->setAt);
                out.source = Source::Keychain;
            }
        } catch (const OpsError& e) {
            out.problem = e.what();
        }
    }
    if (!out.value.empty())
        redact::remember(name, out.value);
    return out;
}

void set(const std::string& name, const std::string& value, TimePoint now)
{
    const Spec& s = spec(name);
    if (const std::string why = checkValue(s, value); !why.empty())
        throw UsageError("the secret '" + name + "' was not stored: " + why);
    redact::remember(name, value);
    keychain::store(name, value, toIsoUtc(now));
}

bool remove(const std::string& name)
{
    spec(name);
    return keychain::remove(name);
}

std::string checkValue(const Spec& spec, const std::string& value)
{
    if (value.empty())
        return "it is empty";
    const bool spaces =
        std::any_of(value.begin(), value.end(), [](unsigned char c) { return std::isspace(c); });
    switch (spec.kind) {
    case Kind::ApiKey:
        if (spaces)
            return "an API key has no spaces or line breaks (was a line pasted with it?)";
        if (value.size() < 8)
            return "it is too short to be an API key (" + std::to_string(value.size()) +
                   " characters)";
        return "";
    case Kind::Webhook:
        if (spaces)
            return "a webhook URL has no spaces or line breaks";
        if (value.rfind("https://", 0) != 0 && value.rfind("http://127.0.0.1", 0) != 0 &&
            value.rfind("http://localhost", 0) != 0)
            return "a webhook URL starts with https:// (plain http only to this machine)";
        return "";
    case Kind::Password:
        return "";
    case Kind::KeyFile:
        return checkKeyFile(value);
    }
    return "";
}

Status statusOf(const std::string& name, TimePoint now)
{
    Status st;
    st.spec = spec(name);
    const Resolved r = get(name);
    st.source = r.source;
    st.problem = r.problem;
    if (r.source == Source::None)
        return st;
    st.problem = checkValue(st.spec, r.value);
    st.setAt = st.spec.kind == Kind::KeyFile ? fileTime(r.value) : r.setAt;
    st.ageDays = ageDays(st.setAt, now);
    if (st.ageDays) {
        const int days = *st.ageDays;
        st.rotation = days >= st.spec.rotationDays        ? Rotation::Due
                      : days >= st.spec.rotationDays - 14 ? Rotation::Soon
                                                          : Rotation::Ok;
    }
    return st;
}

std::vector<Status> status(TimePoint now)
{
    std::vector<Status> out;
    for (const auto& s : catalog())
        out.push_back(statusOf(s.name, now));
    return out;
}

} // namespace nbaops::secrets
