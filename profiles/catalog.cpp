// User profiles: strict JSON reading, so a mistyped field or value is an error that names it.
#include "profiles/catalog.h"

#include "issue/key_usage.h"

#include "base/error.h"
#include "base/files.h"
#include "base/json_file.h"

#include <algorithm>

namespace pkitool::profiles {

namespace {

using nlohmann::json;
using json_file::Object;

// The file's format is documented where the caller documents it (the CLI: `profiles list --help`).
const NextStep kFormat{NextStep::Kind::ProfilesFormat, "check the file against the format of a profiles file"};

// In key order, as the message lists them.
const std::vector<std::string_view> kFields = {"base", "copy_sans_from_csr", "default_days", "description", "extended_key_usage",
                                               "key_types", "key_usage", "max_days", "min_signature_hash_bits", "name",
                                               "path_len", "require_subject", "role"};

const ExtendedUsage kAllUsages[] = {ExtendedUsage::ClientAuth,      ExtendedUsage::ServerAuth,  ExtendedUsage::CodeSigning,
                                    ExtendedUsage::EmailProtection, ExtendedUsage::OcspSigning, ExtendedUsage::TimeStamping};

// A whole number within [min, max].
std::optional<unsigned> number(const Object& r, const std::string& field, unsigned min, unsigned max) {
    const auto n = r.whole_number(field);
    if (!n) return std::nullopt;
    if (*n < min || *n > max) r.fail(field, std::to_string(*n) + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
    return static_cast<unsigned>(*n);
}

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

bool valid_name(const std::string& n) {
    return !n.empty() && n.size() <= 64 &&
           std::all_of(n.begin(), n.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// One entry; `path` is "profiles[3] (vm-client)" for messages.
Profile read_entry(const json& j, const std::string& source, const std::string& path, const std::vector<Profile>& known) {
    const Object r(j, source, path, kFormat, Object::Naming::Field);
    r.only(kFields, true);

    const auto name = r.string("name");
    if (!name) r.fail("name", "is required");
    if (!valid_name(*name)) r.fail("name", "'" + *name + "' must be 1-64 lowercase letters, digits and '-'");
    for (const auto& p : known)
        if (p.name == *name) r.fail("name", "'" + *name + "' is already defined (built-in or earlier in the file)");

    const std::string base_name = r.string("base").value_or(builtin(Builtin::RolesAnywhereClient).name);
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
    if (const auto n = number(r, "path_len", 0, 64)) p.path_len = *n;
    if (const auto names = r.strings("key_usage")) {
        unsigned bits = 0;
        for (const auto& n : *names) {
            const auto bit = issue::key_usage_bit(n);
            if (!bit) {
                std::vector<std::string> known_names;
                for (const auto& u : issue::key_usages()) known_names.emplace_back(u.name);
                r.fail("key_usage", "unknown key usage '" + n + "' (known: " + join_names(known_names) + ")");
            }
            bits |= *bit;
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
    if (const auto bits = number(r, "min_signature_hash_bits", 0, 512)) {
        // Roles Anywhere refuses SHA-1 and MD5 (Roles Anywhere User Guide, "Trust model"): a weaker minimum would only mislead.
        if (*bits != 256 && *bits != 384 && *bits != 512) r.fail("min_signature_hash_bits", "must be 256, 384 or 512");
        p.min_signature_hash_bits = *bits;
    }
    if (const auto d = number(r, "max_days", 1, 3650 * 3)) p.max_days = *d;
    if (const auto d = number(r, "default_days", 1, 3650 * 3)) p.default_days = *d;
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

Catalog::Catalog() : profiles_(builtins()) {}

bool Catalog::is_builtin(const std::string& name) const {
    const auto& b = builtins();
    return std::any_of(b.begin(), b.end(), [&](const Profile& p) { return p.name == name; });
}

Catalog Catalog::parse(const std::string& text, const std::string& source) {
    const auto doc = json_file::parse(text, source, kFormat);
    if (!doc.is_object() || !doc.contains("profiles") || !doc["profiles"].is_array())
        throw Error(source + ": expected an object {\"profiles\": [ ... ]}").with_step(kFormat);
    for (const auto& [key, _] : doc.items())
        if (key != "profiles") throw Error(source + ": unknown top-level field '" + key + "'", "the file holds only {\"profiles\": [ ... ]}");
    Catalog c;
    c.source_ = source;
    size_t i = 0;
    for (const auto& entry : doc["profiles"]) {
        std::string path = "profiles[" + std::to_string(i++) + "]";
        if (entry.is_object() && entry.contains("name") && entry["name"].is_string()) path += " (" + entry["name"].get<std::string>() + ")";
        c.profiles_.push_back(read_entry(entry, source, path, c.profiles_));
    }
    return c;
}

Catalog Catalog::load(const std::filesystem::path& file) {
    const auto data = files::read(file);
    return parse(std::string(data.begin(), data.end()), files::name_of(file));
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
