#include "keychain.h"

#include "util/errors.h"

#include <libsecret/secret.h>

#include <cstdlib>
#include <memory>

namespace nbaops::secrets::keychain {
namespace {

const SecretSchema* schema()
{
    static const SecretSchema s = {"org.nbaops.Secret",
                                   SECRET_SCHEMA_NONE,
                                   {{"name", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                    {"set_at", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                    {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                                   0,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr};
    return &s;
}

[[noreturn]] void fail(const std::string& doing, GError* error)
{
    const char* bus = std::getenv("DBUS_SESSION_BUS_ADDRESS");
    const std::string why =
        !bus || !*bus
            ? std::string(
                  "there is no D-Bus session bus here (DBUS_SESSION_BUS_ADDRESS is not set)")
        : error ? std::string(error->message)
                : std::string("no reason given");
    if (error)
        g_error_free(error);
    throw OpsError(
        "the keychain (Secret Service over D-Bus) could not " + doing + ": " + why +
        ". Start a keyring (GNOME Keyring or KWallet) in your desktop session, or set the "
        "secret's environment variable instead (nbaops secrets list names them).");
}

struct HashTableFree
{
    void operator()(GHashTable* t) const { g_hash_table_unref(t); }
};
using Attributes = std::unique_ptr<GHashTable, HashTableFree>;

Attributes nameAttributes(const std::string& name)
{
    Attributes a(g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free));
    g_hash_table_insert(a.get(), g_strdup("name"), g_strdup(name.c_str()));
    return a;
}

struct ListFree
{
    void operator()(GList* l) const { g_list_free_full(l, g_object_unref); }
};

std::unique_ptr<GList, ListFree> search(GHashTable* attributes, int flags, const char* doing)
{
    GError* error = nullptr;
    GList* items = secret_service_search_sync(nullptr, schema(), attributes,
                                              SecretSearchFlags(flags), nullptr, &error);
    if (error)
        fail(doing, error);
    return std::unique_ptr<GList, ListFree>(items);
}

std::string attribute(SecretItem* item, const char* key)
{
    GHashTable* attrs = secret_item_get_attributes(item);
    const auto* v = static_cast<const char*>(g_hash_table_lookup(attrs, key));
    std::string out = v ? v : "";
    g_hash_table_unref(attrs);
    return out;
}

} // namespace

std::string probe()
{
    GError* error = nullptr;
    SecretService* service = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, nullptr, &error);
    if (!service) {
        std::string why = error ? error->message : "no Secret Service";
        if (error)
            g_error_free(error);
        return why;
    }
    g_object_unref(service);
    return "";
}

std::optional<Stored> lookup(const std::string& name)
{
    auto attrs = nameAttributes(name);
    // No SECRET_SEARCH_UNLOCK: a cron job or a timer must never wait on an unlock prompt.
    auto items = search(attrs.get(), SECRET_SEARCH_LOAD_SECRETS, "read a secret");
    for (GList* l = items.get(); l; l = l->next) {
        auto* item = static_cast<SecretItem*>(l->data);
        if (secret_item_get_locked(item))
            throw OpsError("the keychain holds the secret '" + name +
                           "' but is locked: unlock it (log in to the desktop session), or set the "
                           "secret's environment variable instead");
        SecretValue* value = secret_item_get_secret(item);
        if (!value)
            continue;
        Stored out{secret_value_get_text(value) ? secret_value_get_text(value) : "",
                   attribute(item, "set_at")};
        secret_value_unref(value);
        return out;
    }
    return std::nullopt;
}

void store(const std::string& name, const std::string& value, const std::string& setAt)
{
    GError* error = nullptr;
    const std::string label = "nbaops: " + name;
    // secret_password_store replaces an item whose attributes match exactly; set_at changes,
    // so the old item is removed first.
    remove(name);
    if (!secret_password_store_sync(schema(), SECRET_COLLECTION_DEFAULT, label.c_str(),
                                    value.c_str(), nullptr, &error, "name", name.c_str(), "set_at",
                                    setAt.c_str(), nullptr))
        fail("store the secret '" + name + "'", error);
}

bool remove(const std::string& name)
{
    GError* error = nullptr;
    auto attrs = nameAttributes(name);
    const gboolean removed = secret_password_clearv_sync(schema(), attrs.get(), nullptr, &error);
    if (error)
        fail("delete the secret '" + name + "'", error);
    return removed;
}

std::map<std::string, std::string> list()
{
    Attributes none(g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free));
    auto items = search(none.get(), SECRET_SEARCH_ALL, "list the secrets");
    std::map<std::string, std::string> out;
    for (GList* l = items.get(); l; l = l->next) {
        auto* item = static_cast<SecretItem*>(l->data);
        out[attribute(item, "name")] = attribute(item, "set_at");
    }
    return out;
}

} // namespace nbaops::secrets::keychain
