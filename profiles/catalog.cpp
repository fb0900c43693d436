// User profiles: strict JSON reading, so a mistyped field or value is an error that names it.
#include "profiles/catalog.h"

#include "issue/inspect.h"

#include "base/error.h"
#include "base/files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace pkitool::profiles {

namespace {

using nlohmann::json;

// The file's format is documented where the caller documents it (the CLI: `profiles list --help`).
const NextStep kFormat{NextStep::Kind::ProfilesFormat, "check the file against the format of a profiles file"};

const std::set<std::string> kFields = {"name", "base", "description", "role", "path_len", "key_usage", "extended_key_usage",
                                       "key_types", "min_signature_hash_bits", "default_days", "max_days", "require_subject",
                                       "copy_sans_from_csr"};

const std::vector<std::pair<std::string, Botan::Key_Constraints>>& usage_bits() {
    static const std::vector<std::pair<std::string, Botan::Key_Constraints>> bits = {
        {"digitalSignature", Botan::DIGITAL_SIGNATURE}, {"nonRepudiation", Botan::NON_REPUDIATION},
        {"keyEncipherment", Botan::KEY_ENCIPHERMENT},   {"dataEncipherment", Botan::DATA_ENCIPHERMENT},
        {"keyAgreement", Botan::KEY_AGREEMENT},         {"keyCertSign", Botan::KEY_CERT_SIGN},
        {"cRLSign", Botan::CRL_SIGN},                   {"encipherOnly", Botan::ENCIPHER_ONLY},
        {"decipherOnly", Botan::DECIPHER_ONLY}};
    return bits;
}

const ExtendedUsage kAllUsages[] = {ExtendedUsage::ClientAuth,      ExtendedUsage::ServerAuth,  ExtendedUsage::CodeSigning,
                                    ExtendedUsage::EmailProtection, ExtendedUsage::OcspSigning, ExtendedUsage::TimeStamping};

// Reads one profile entry; `where` is "FILE: profiles[3] (vm-client)" for messages.
class EntryReader {
public:
    EntryReader(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw Error(where_ + ": " + field + ": " + what).with_step(kFormat);
    }
    const json* get(const std::string& field, json::value_t type, const char* type_name) const {
        const auto it = j_.find(field);
        if (it == j_.end()) return nullptr;
        const bool ok = it->type() == type || (type == json::value_t::number_unsigned && it->is_number_unsigned()) ||
                        (type == json::value_t::array && it->is_array());
        if (!ok) fail(field, std::string("must be ") + type_name);
        return &*it;
    }
    std::optional<std::string> string(const std::string& field) const {
        const auto* v = get(field, json::value_t::string, "a string");
        return v ? std::optional<std::string>(v->get<std::string>()) : std::nullopt;
    }
    std::optional<unsigned> number(const std::string& field, unsigned min, unsigned max) const {
        const auto* v = get(field, json::value_t::number_unsigned, "a whole number");
        if (!v) return std::nullopt;
        const auto n = v->get<uint64_t>();
        if (n < min || n > max) fail(field, std::to_string(n) + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
        return static_cast<unsigned>(n);
    }
    std::optional<bool> boolean(const std::string& field) const {
        const auto* v = get(field, json::value_t::boolean, "true or false");
        return v ? std::optional<bool>(v->get<bool>()) : std::nullopt;
    }
    std::optional<std::vector<std::string>> strings(const std::string& field) const {
        const auto* v = get(field, json::value_t::array, "a list of strings");
        if (!v) return std::nullopt;
        std::vector<std::string> out;
        for (const auto& e : *v) {
            if (!e.is_string()) fail(field, "must be a list of strings");
            out.push_back(e.get<std::string>());
        }
        return out;
    }

private:
    const json& j_;
    std::string where_;
};

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

bool valid_name(const std::string& n) {
    return !n.empty() && n.size() <= 64 &&
           std::all_of(n.begin(), n.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

Profile read_entry(const json& j, const std::string& where, const std::vector<Profile>& known) {
    if (!j.is_object()) throw Error(where + ": must be an object").with_step(kFormat);
    EntryReader r(j, where);
    for (const auto& [key, _] : j.items())
        if (!kFields.count(key)) r.fail(key, "unknown field (known: " + join_names({kFields.begin(), kFields.end()}) + ")");

    const auto name = r.string("name");
    if (!name) r.fail("name", "is required");
    if (!valid_name(*name)) r.fail("name", "'" + *name + "' must be 1-64 lowercase letters, digits and '-'");
    for (const auto& p : known)
        if (p.name == *name) r.fail("name", "'" + *name + "' is already defined (built-in or earlier in the file)");

    const std::string base_name = r.string("base").value_or("rolesanywhere-client");
    const auto base = std::find_if(known.begin(), known.end(), [&](const Profile& p) { return p.name == base_name; });
    if (base == known.end()) r.fail("base", "no profile '" + base_name + "'");
    Profile p = *base;
    p.name = *name;
    p.description = r.string("description").value_or("user profile based on " + base_name);

    if (const auto role = r.string("role")) {
        if (*role == "end-entity") p.role = Role::EndEntity;
        else if (*role == "ca") p.role = Role::CertificateAuthority;
        else r.fail("role", "'" + *role + "' must be \"end-entity\" or \"ca\"");
    }
    if (const auto n = r.number("path_len", 0, 64)) p.path_len = *n;
    if (const auto names = r.strings("key_usage")) {
        unsigned bits = 0;
        for (const auto& n : *names) {
            const auto& all = usage_bits();
            const auto it = std::find_if(all.begin(), all.end(), [&](const auto& u) { return u.first == n; });
            if (it == all.end()) {
                std::vector<std::string> known_names;
                for (const auto& u : all) known_names.push_back(u.first);
                r.fail("key_usage", "unknown key usage '" + n + "' (known: " + join_names(known_names) + ")");
            }
            bits |= it->second;
        }
        p.key_usage = static_cast<Botan::Key_Constraints>(bits);
    }
    if (const auto names = r.strings("extended_key_usage")) {
        p.extended_key_usage.clear();
        for (const auto& n : *names) {
            const auto it = std::find_if(std::begin(kAllUsages), std::end(kAllUsages), [&](ExtendedUsage u) { return name_of(u) == n; });
            if (it == std::end(kAllUsages)) {
                std::vector<std::string> known_names;
                for (auto u : kAllUsages) known_names.push_back(name_of(u));
                r.fail("extended_key_usage", "unknown extended key usage '" + n + "' (known: " + join_names(known_names) + ")");
            }
            p.extended_key_usage.push_back(*it);
        }
    }
    if (const auto types = r.strings("key_types")) {
        for (const auto& t : *types)
            if (std::find(issue::KeyType::names().begin(), issue::KeyType::names().end(), t) == issue::KeyType::names().end())
                r.fail("key_types", "unknown key type '" + t + "' (known: " + join_names(issue::KeyType::names()) + ")");
        p.allowed_key_types = *types;
    }
    if (const auto bits = r.number("min_signature_hash_bits", 0, 512)) {
        // Roles Anywhere refuses SHA-1 and MD5 (protocol §1): a weaker minimum would only mislead.
        if (*bits != 256 && *bits != 384 && *bits != 512) r.fail("min_signature_hash_bits", "must be 256, 384 or 512");
        p.min_signature_hash_bits = *bits;
    }
    if (const auto d = r.number("max_days", 1, 3650 * 3)) p.max_days = *d;
    if (const auto d = r.number("default_days", 1, 3650 * 3)) p.default_days = *d;
    if (p.default_days > p.max_days)
        r.fail("default_days", std::to_string(p.default_days) + " is more than max_days " + std::to_string(p.max_days));
    if (const auto b = r.boolean("require_subject")) p.require_subject = *b;
    if (const auto b = r.boolean("copy_sans_from_csr")) p.copy_sans_from_csr = *b;

    // A profile must be able to pass its own lint: the rules it would be judged by decide what it may say.
    if (p.is_ca()) {
        if (!(p.key_usage & Botan::KEY_CERT_SIGN)) r.fail("key_usage", "a CA profile needs keyCertSign (a trust anchor must sign certificates)");
        if (!p.extended_key_usage.empty()) r.fail("extended_key_usage", "a CA profile takes no extendedKeyUsage");
    } else {
        if (!(p.key_usage & Botan::DIGITAL_SIGNATURE)) r.fail("key_usage", "an end-entity profile needs digitalSignature (Roles Anywhere requires it)");
        if (p.key_usage & (Botan::KEY_CERT_SIGN | Botan::CRL_SIGN)) r.fail("key_usage", "keyCertSign and cRLSign belong to CA profiles (role \"ca\")");
        if (p.path_len) r.fail("path_len", "only a CA profile has a path length");
    }
    return p;
}

}  // namespace

Catalog::Catalog() : profiles_(builtin()) {}

bool Catalog::is_builtin(const std::string& name) const {
    const auto& b = builtin();
    return std::any_of(b.begin(), b.end(), [&](const Profile& p) { return p.name == name; });
}

Catalog Catalog::parse(const std::string& text, const std::string& source) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(source + ": not valid JSON (" + e.what() + ")").with_step(kFormat);
    }
    if (!doc.is_object() || !doc.contains("profiles") || !doc["profiles"].is_array())
        throw Error(source + ": expected an object {\"profiles\": [ ... ]}").with_step(kFormat);
    for (const auto& [key, _] : doc.items())
        if (key != "profiles") throw Error(source + ": unknown top-level field '" + key + "'", "the file holds only {\"profiles\": [ ... ]}");
    Catalog c;
    c.source_ = source;
    size_t i = 0;
    for (const auto& entry : doc["profiles"]) {
        std::string where = source + ": profiles[" + std::to_string(i++) + "]";
        if (entry.is_object() && entry.contains("name") && entry["name"].is_string()) where += " (" + entry["name"].get<std::string>() + ")";
        c.profiles_.push_back(read_entry(entry, where, c.profiles_));
    }
    return c;
}

Catalog Catalog::load(const std::filesystem::path& file) {
    const auto data = files::read(file);
    return parse(std::string(data.begin(), data.end()), file.string());
}

Catalog Catalog::from_option(const std::string& file_option) {
    if (!file_option.empty()) return load(file_option);
    if (const char* env = std::getenv(kProfilesEnv); env && *env) return load(env);
    return Catalog();
}

const Profile& Catalog::find(const std::string& name) const {
    for (const auto& p : profiles_)
        if (p.name == name) return p;
    std::string names;
    for (const auto& p : profiles_) names += (names.empty() ? "" : ", ") + p.name;
    throw usage_error("unknown profile '" + name + "'", "use one of: " + names);
}

json to_json(const Profile& p) {
    json j;
    j["name"] = p.name;
    j["description"] = p.description;
    j["role"] = p.is_ca() ? "ca" : "end-entity";
    if (p.path_len) j["path_len"] = *p.path_len;
    j["key_usage"] = issue::key_usage_names(p.key_usage);
    json eku = json::array();
    for (auto u : p.extended_key_usage) eku.push_back(name_of(u));
    j["extended_key_usage"] = eku;
    j["key_types"] = p.allowed_key_types.empty() ? issue::KeyType::names() : p.allowed_key_types;
    j["min_signature_hash_bits"] = p.min_signature_hash_bits;
    j["default_days"] = p.default_days;
    j["max_days"] = p.max_days;
    j["require_subject"] = p.require_subject;
    j["copy_sans_from_csr"] = p.copy_sans_from_csr;
    return j;
}

}  // namespace pkitool::profiles
