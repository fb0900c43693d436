// Field extraction from Botan objects into JSON; the CLI renders it as text or prints it as is.
#include "issue/inspect.h"

#include "issue/extensions.h"
#include "issue/general_name.h"
#include "issue/key_usage.h"
#include "issue/san.h"
#include "issue/serial.h"
#include "issue/subject.h"

#include <algorithm>
#include <tuple>

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/oids.h>
#include <botan/x509_ext.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace pkitool::issue {

namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

// The names `openssl x509 -text` prints, so output can be compared line by line.
std::string signature_name(const Botan::AlgorithmIdentifier& algo) {
    static const std::pair<const char*, const char*> names[] = {
        {"1.2.840.10045.4.3.2", "ecdsa-with-SHA256"},       {"1.2.840.10045.4.3.3", "ecdsa-with-SHA384"},
        {"1.2.840.10045.4.3.4", "ecdsa-with-SHA512"},       {"1.2.840.10045.4.1", "ecdsa-with-SHA1"},
        {"1.2.840.113549.1.1.11", "sha256WithRSAEncryption"}, {"1.2.840.113549.1.1.12", "sha384WithRSAEncryption"},
        {"1.2.840.113549.1.1.13", "sha512WithRSAEncryption"}, {"1.2.840.113549.1.1.5", "sha1WithRSAEncryption"},
        {"1.2.840.113549.1.1.4", "md5WithRSAEncryption"},    {"1.2.840.113549.1.1.10", "rsassaPss"},
        {"1.3.101.112", "ED25519"},
    };
    const std::string dotted = algo.get_oid().to_string();
    for (const auto& [oid, name] : names)
        if (dotted == oid) return name;
    const std::string name = Botan::OIDS::oid2str_or_empty(algo.get_oid());
    return name.empty() ? dotted : name;
}

std::string hex_colon(const std::vector<uint8_t>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ':';
        out += Botan::hex_encode(&v[i], 1, true);
    }
    return out;
}

nlohmann::json names_json(const std::vector<GeneralName>& names) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& n : names) out.push_back(n.to_string());
    return out;
}

// Access methods of RFC 5280 §4.2.2.1 and §4.2.2.2 by the names openssl prints.
std::string access_method_name(const std::string& oid) {
    static const std::pair<const char*, const char*> names[] = {
        {"1.3.6.1.5.5.7.48.1", "ocsp"}, {"1.3.6.1.5.5.7.48.2", "ca_issuers"}, {"1.3.6.1.5.5.7.48.3", "time_stamping"},
        {"1.3.6.1.5.5.7.48.5", "ca_repository"},
    };
    for (const auto& [o, name] : names)
        if (oid == o) return name;
    return oid;
}

nlohmann::json info_access_json(const std::vector<uint8_t>& der) {
    nlohmann::json j = nlohmann::json::object(), all = nlohmann::json::array();
    for (const auto& d : decode_info_access(der)) {
        const std::string method = access_method_name(d.method);
        all.push_back({{"method", method}, {"oid", d.method}, {"location", d.location.to_string()}});
        // The usual case, for scripts: the URIs of each well-known method.
        if (method != d.method && d.location.type == GeneralName::Type::URI) {
            if (!j.contains(method)) j[method] = nlohmann::json::array();
            j[method].push_back(printable(d.location.text));
        }
    }
    j["descriptions"] = all;
    return j;
}

nlohmann::json distribution_points_json(const std::vector<uint8_t>& der) {
    nlohmann::json points = nlohmann::json::array(), uris = nlohmann::json::array();
    for (const auto& dp : decode_crl_distribution_points(der)) {
        nlohmann::json p = nlohmann::json::object();
        if (!dp.full_name.empty()) p["full_name"] = names_json(dp.full_name);
        if (dp.relative_name) p["relative_name"] = format_dn(*dp.relative_name);
        if (!dp.reasons.empty()) p["reasons"] = dp.reasons;
        if (!dp.crl_issuer.empty()) p["crl_issuer"] = names_json(dp.crl_issuer);
        for (const auto& n : dp.full_name)
            if (n.type == GeneralName::Type::URI) uris.push_back(printable(n.text));
        points.push_back(p);
    }
    return {{"points", points}, {"uris", uris}};
}

nlohmann::json policies_json(const std::vector<uint8_t>& der) {
    nlohmann::json policies = nlohmann::json::array();
    for (const auto& info : decode_certificate_policies(der)) {
        nlohmann::json p{{"oid", info.oid}};
        if (info.oid == "2.5.29.32.0") p["name"] = "anyPolicy";
        if (!info.cps.empty()) {
            p["cps"] = nlohmann::json::array();
            for (const auto& uri : info.cps) p["cps"].push_back(printable(uri));
        }
        for (const auto& n : info.user_notices) {
            nlohmann::json notice = nlohmann::json::object();
            if (n.organization) notice["organization"] = printable(*n.organization);
            if (n.organization) notice["notice_numbers"] = n.notice_numbers;
            if (n.explicit_text) notice["explicit_text"] = printable(*n.explicit_text);
            p["user_notices"].push_back(notice);
        }
        if (!info.other_qualifiers.empty()) p["other_qualifiers"] = info.other_qualifiers;
        policies.push_back(p);
    }
    return {{"policies", policies}};
}

nlohmann::json name_constraints_json(const std::vector<uint8_t>& der) {
    const auto nc = decode_name_constraints(der);
    const auto list = [](const std::vector<GeneralSubtree>& subtrees) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : subtrees) out.push_back(s.to_string());
        return out;
    };
    return {{"permitted", list(nc.permitted)}, {"excluded", list(nc.excluded)}};
}

}  // namespace

std::string rfc3339(std::chrono::system_clock::time_point t) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(t));
}

nlohmann::json describe_public_key(const Botan::Public_Key& key) {
    nlohmann::json j;
    try {
        j["type"] = key_type_of(key).name();
    } catch (const std::exception&) {
        j["type"] = key.algo_name();
    }
    j["bits"] = key.key_length();
    j["sha256"] = public_key_fingerprint(key);
    return j;
}

nlohmann::json describe(const Botan::X509_Certificate& cert) {
    nlohmann::json j;
    j["kind"] = "certificate";
    j["version"] = cert.x509_version();
    j["serial"] = Serial::from(Botan::BigInt(cert.serial_number())).hex();
    j["signature_algorithm"] = signature_name(cert.signature_algorithm());
    j["issuer"] = format_dn(cert.issuer_dn());
    j["subject"] = format_dn(cert.subject_dn());
    j["not_before"] = rfc3339(cert.not_before().to_std_timepoint());
    j["not_after"] = rfc3339(cert.not_after().to_std_timepoint());
    try {
        std::unique_ptr<Botan::Public_Key> pub(cert.subject_public_key());
        j["public_key"] = describe_public_key(*pub);
    } catch (const std::exception& e) {
        j["public_key"] = {{"type", std::string("unreadable: ") + e.what()}};
    }
    const auto& ext = cert.v3_extensions();
    nlohmann::json e = nlohmann::json::object();
    const Botan::OID bc = Botan::OID("2.5.29.19"), ku = Botan::OID("2.5.29.15"), eku = Botan::OID("2.5.29.37");
    if (ext.extension_set(bc))
        e["basic_constraints"] = {{"critical", ext.critical_extension_set(bc)}, {"ca", cert.is_CA_cert()},
                                  {"path_len", cert.is_CA_cert() && cert.path_limit() != Botan::Cert_Extension::NO_CERT_PATH_LIMIT ? nlohmann::json(cert.path_limit()) : nlohmann::json()}};
    if (ext.extension_set(ku)) e["key_usage"] = {{"critical", ext.critical_extension_set(ku)}, {"usages", join(key_usage_names(cert.constraints()))}};
    if (ext.extension_set(eku)) {
        std::vector<std::string> names;
        for (const auto& oid : cert.extended_key_usage()) names.push_back(extended_key_usage_name(oid.to_string()));
        e["extended_key_usage"] = {{"critical", ext.critical_extension_set(eku)}, {"usages", names}};
    }
    if (!cert.subject_key_id().empty()) e["subject_key_id"] = hex_colon(cert.subject_key_id());
    if (!cert.authority_key_id().empty()) e["authority_key_id"] = hex_colon(cert.authority_key_id());
    // Every SAN of every type, IPv6 included (Botan's AlternativeName drops some, issue #8).
    std::vector<std::string> sans;
    try {
        for (const auto& n : subject_alt_names(cert)) sans.push_back(n.to_string());
    } catch (const std::exception& x) {
        sans.push_back(std::string("(undecodable: ") + x.what() + ")");
    }
    if (!sans.empty()) e["subject_alt_names"] = sans;
    // Extensions Botan 2 reads only in part, decoded here with every field; one that cannot be
    // decoded is shown as its bytes, never dropped (RFC 5280 §4.2: a critical one matters most).
    using Decoder = nlohmann::json (*)(const std::vector<uint8_t>&);
    static const std::tuple<const char*, const char*, Decoder> decoded[] = {
        {"1.3.6.1.5.5.7.1.1", "authority_info_access", info_access_json},
        {"1.3.6.1.5.5.7.1.11", "subject_info_access", info_access_json},
        {"2.5.29.31", "crl_distribution_points", distribution_points_json},
        {"2.5.29.46", "freshest_crl", distribution_points_json},
        {"2.5.29.32", "certificate_policies", policies_json},
        {"2.5.29.30", "name_constraints", name_constraints_json},
        {"2.5.29.18", "issuer_alt_names", [](const std::vector<uint8_t>& der) { return nlohmann::json{{"names", names_json(decode_general_names(der))}}; }},
    };
    std::vector<Botan::OID> shown = {bc, ku, eku, Botan::OID("2.5.29.14"), Botan::OID("2.5.29.35"), Botan::OID("2.5.29.17")};
    for (const auto& [oid_text, key, decode] : decoded) {
        const Botan::OID oid(oid_text);
        const auto raw = raw_extension(cert, oid);
        if (!raw) continue;
        shown.push_back(oid);
        nlohmann::json x;
        try {
            x = decode(raw->value);
        } catch (const std::exception& why) {
            x = {{"error", std::string("cannot be decoded: ") + why.what()}, {"value", Botan::hex_encode(raw->value, false)}};
        }
        x["critical"] = raw->critical;
        e[key] = x;
    }
    // The rest by OID, with the bytes: an extension is never hidden, least of all a critical one.
    nlohmann::json other = nlohmann::json::array();
    for (const auto& oid : ext.get_extension_oids()) {
        if (std::find(shown.begin(), shown.end(), oid) != shown.end()) continue;
        const std::string name = oid.to_formatted_string();
        const auto raw = raw_extension(cert, oid);
        other.push_back({{"oid", oid.to_string()}, {"name", name == oid.to_string() ? nlohmann::json() : nlohmann::json(name)},
                         {"critical", ext.critical_extension_set(oid)}, {"value", raw ? Botan::hex_encode(raw->value, false) : ""}});
    }
    if (!other.empty()) e["other"] = other;
    j["extensions"] = e;
    auto sha256 = Botan::HashFunction::create_or_throw("SHA-256");
    j["sha256_fingerprint"] = hex_colon(Botan::unlock(sha256->process(cert.BER_encode())));
    return j;
}

nlohmann::json describe(const Botan::PKCS10_Request& csr) {
    nlohmann::json j;
    j["kind"] = "certificate_request";
    j["subject"] = format_dn(csr.subject_dn());
    j["signature_algorithm"] = signature_name(csr.signature_algorithm());
    std::unique_ptr<Botan::Public_Key> pub(csr.subject_public_key());
    j["public_key"] = describe_public_key(*pub);
    j["signature_valid"] = csr.check_signature(*pub);
    std::vector<std::string> list;
    const auto raw = csr.extensions().extensions_raw();
    const auto san = raw.find(Botan::OID("2.5.29.17"));
    if (san != raw.end())
        for (const auto& n : decode_general_names(san->second.first)) list.push_back(n.to_string());
    j["subject_alt_names"] = list;
    return j;
}

namespace {

// RFC 5280 §5.3.1 CRLReason names; 7 is unused by the RFC.
std::string reason_name(int code) {
    static const char* const names[] = {"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
                                        "superseded", "cessationOfOperation", "certificateHold", "7",
                                        "removeFromCRL", "privilegeWithdrawn", "aACompromise"};
    return code >= 0 && code <= 10 ? names[code] : std::to_string(code);
}

}  // namespace

nlohmann::json describe(const Botan::X509_CRL& crl) {
    nlohmann::json j;
    j["kind"] = "crl";
    j["issuer"] = format_dn(crl.issuer_dn());
    j["signature_algorithm"] = signature_name(crl.signature_algorithm());
    j["this_update"] = rfc3339(crl.this_update().to_std_timepoint());
    j["next_update"] = rfc3339(crl.next_update().to_std_timepoint());
    j["crl_number"] = crl.crl_number();
    nlohmann::json revoked = nlohmann::json::array();
    for (const auto& entry : crl.get_revoked()) {
        const auto& s = entry.serial_number();
        revoked.push_back({{"serial", Serial::from(Botan::BigInt(s.data(), s.size())).hex()},
                           {"revoked_at", rfc3339(entry.expire_time().to_std_timepoint())},
                           {"reason_code", static_cast<int>(entry.reason_code())},
                           {"reason", reason_name(static_cast<int>(entry.reason_code()))}});
    }
    j["revoked"] = revoked;
    return j;
}

nlohmann::json describe(const PrivateKey& key, bool encrypted) {
    nlohmann::json j = describe_public_key(key.botan());
    j["kind"] = "private_key";
    j["encrypted"] = encrypted;
    return j;
}

nlohmann::json describe(const Pkcs12& p12) {
    nlohmann::json chain = nlohmann::json::array();
    for (const auto& c : p12.chain) chain.push_back(describe(c));
    return {{"kind", "pkcs12"},
            {"friendly_name", p12.friendly_name},
            {"integrity", p12.integrity},
            {"key_encryption", p12.key_encryption},
            {"certificate_encryption", p12.certificate_encryption},
            {"private_key", p12.key ? describe(*p12.key, p12.key_encryption != "none") : nlohmann::json()},
            {"certificate", p12.leaf ? describe(*p12.leaf) : nlohmann::json()},
            {"chain", chain}};
}

}  // namespace pkitool::issue
