// The name tables of key usages and extended key usages.
#include "issue/key_usage.h"

namespace pkitool::issue {

namespace {

constexpr KeyUsageName kKeyUsages[] = {
    {Botan::DIGITAL_SIGNATURE, "digitalSignature"}, {Botan::NON_REPUDIATION, "nonRepudiation"},
    {Botan::KEY_ENCIPHERMENT, "keyEncipherment"},   {Botan::DATA_ENCIPHERMENT, "dataEncipherment"},
    {Botan::KEY_AGREEMENT, "keyAgreement"},         {Botan::KEY_CERT_SIGN, "keyCertSign"},
    {Botan::CRL_SIGN, "cRLSign"},                   {Botan::ENCIPHER_ONLY, "encipherOnly"},
    {Botan::DECIPHER_ONLY, "decipherOnly"},
};

// RFC 5280 §4.2.1.12 purposes, with the short names OpenSSL prints.
constexpr std::pair<const char*, const char*> kExtendedUsages[] = {
    {"1.3.6.1.5.5.7.3.1", "serverAuth"},      {"1.3.6.1.5.5.7.3.2", "clientAuth"},   {"1.3.6.1.5.5.7.3.3", "codeSigning"},
    {"1.3.6.1.5.5.7.3.4", "emailProtection"}, {"1.3.6.1.5.5.7.3.8", "timeStamping"}, {"1.3.6.1.5.5.7.3.9", "OCSPSigning"},
};

}  // namespace

std::span<const KeyUsageName> key_usages() { return kKeyUsages; }

std::vector<std::string> key_usage_names(Botan::Key_Constraints bits) {
    std::vector<std::string> out;
    for (const auto& u : kKeyUsages)
        if (bits & u.bit) out.emplace_back(u.name);
    return out;
}

std::optional<Botan::Key_Constraints> key_usage_bit(std::string_view name) {
    for (const auto& u : kKeyUsages)
        if (name == u.name) return u.bit;
    return std::nullopt;
}

std::string extended_key_usage_name(const std::string& oid) {
    for (const auto& [dotted, name] : kExtendedUsages)
        if (oid == dotted) return name;
    return oid;
}

}  // namespace pkitool::issue
