#include "catalog.h"

#include "util/errors.h"

namespace nbaops::secrets {

const std::vector<Spec>& catalog()
{
    // API keys and service-account keys: 90 days (the platform's policy); a webhook URL is
    // rotated when it leaks, or yearly; the SMTP password twice a year.
    static const std::vector<Spec> specs = {
        {"odds_api_key", Kind::ApiKey, "NBAOPS_ODDS_API_KEY",
         "The Odds API key (phase 1, odds_api scrapers)", 90},
        {"bdl_api_key", Kind::ApiKey, "NBAOPS_BDL_API_KEY",
         "balldontlie API key (phase 1, the box-score fallback)", 90},
        {"pager_webhook_url", Kind::Webhook, "NBAOPS_PAGER_WEBHOOK_URL",
         "webhook of the alerts' page receiver (P0, P1)", 365},
        {"chat_webhook_url", Kind::Webhook, "NBAOPS_CHAT_WEBHOOK_URL",
         "webhook of the alerts' chat receiver", 365},
        {"smtp_password", Kind::Password, "NBAOPS_SMTP_PASSWORD",
         "password of the alerts' e-mail (SMTP) account", 180},
        {"gcp_service_account_key", Kind::KeyFile, "GOOGLE_APPLICATION_CREDENTIALS",
         "path of the Google service-account JSON key of cloud mode (the file stays where you keep "
         "it)",
         90},
    };
    return specs;
}

const Spec& spec(const std::string& name)
{
    std::string names;
    for (const auto& s : catalog()) {
        if (s.name == name)
            return s;
        names += (names.empty() ? "" : ", ") + s.name;
    }
    throw UsageError("there is no secret named '" + name + "'; the secrets are: " + names);
}

const char* kindName(Kind kind)
{
    switch (kind) {
    case Kind::ApiKey:
        return "api_key";
    case Kind::Webhook:
        return "webhook";
    case Kind::Password:
        return "password";
    case Kind::KeyFile:
        return "key_file";
    }
    return "";
}

} // namespace nbaops::secrets
