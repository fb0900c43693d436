// Extensions from a profile (RFC 5280 §4.2) and the signature, through Botan's X509_CA::make_cert.
#include "ca/certificate_template.h"

#include "issue/key.h"
#include "issue/random.h"

#include <botan/hex.h>
#include <botan/pubkey.h>
#include <botan/pkix_types.h>
#include <botan/x509_ca.h>
#include <botan/x509_ext.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace pkitool::ca {

namespace {

std::string date(Clock::time_point t) {
    return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", std::chrono::floor<std::chrono::seconds>(t));
}

Botan::Extensions extensions_for(const CertificateTemplate& t, const Issuer& issuer) {
    using namespace Botan::Cert_Extension;
    const auto& p = t.profile;
    Botan::Extensions ext;  // takes ownership of each raw pointer
    ext.add(new Basic_Constraints(p.is_ca(), p.is_ca() && p.path_len ? *p.path_len : Botan::Cert_Extension::NO_CERT_PATH_LIMIT), true);
    ext.add(new Key_Usage(p.key_usage), true);
    if (!p.extended_key_usage.empty()) {
        std::vector<Botan::OID> oids;
        for (auto u : p.extended_key_usage) oids.emplace_back(profiles::oid_of(u));
        ext.add(new Extended_Key_Usage(oids), false);
    }
    ext.add(new Subject_Key_ID(t.public_key.key_id), false);
    ext.add(new Authority_Key_ID(issuer.key_id), false);
    // RFC 5280 §4.2.1.6: SANs are critical only when the subject is empty, which profiles refuse.
    if (!t.sans.empty()) ext.add(t.sans.extension().release(), false);
    return ext;
}

}  // namespace

std::string recorded_path(const std::filesystem::path& p) {
    std::error_code ec;
    const auto a = std::filesystem::absolute(p, ec);
    return (ec ? p : a).lexically_normal().string();
}

std::vector<std::pair<std::string, std::string>> CertificateTemplate::describe() const {
    const auto& p = profile;
    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back("Subject", subject.to_string());
    out.emplace_back("SANs", sans.empty() ? "(none)" : sans.to_string());
    out.emplace_back("Not before", date(not_before));
    out.emplace_back("Not after", date(not_after) + fmt::format(" ({} days)", std::chrono::duration_cast<std::chrono::hours>(not_after - not_before - kBackdate).count() / 24));
    out.emplace_back("Profile", p.name);
    out.emplace_back("Public key", issue::key_type_of(*public_key.key).name());
    std::string bc = p.is_ca() ? "critical, CA:TRUE" : "critical, CA:FALSE";
    if (p.is_ca() && p.path_len) bc += fmt::format(", pathlen:{}", *p.path_len);
    out.emplace_back("Basic constraints", bc);
    out.emplace_back("Key usage", "critical, " + p.key_usage_text());
    if (!p.extended_key_usage.empty()) {
        std::string eku;
        for (auto u : p.extended_key_usage) eku += (eku.empty() ? "" : ", ") + profiles::name_of(u);
        out.emplace_back("Extended key usage", eku);
    }
    return out;
}

Signer::Signer(Issuer issuer) : issuer_(std::move(issuer)) {
    signer_ = Botan::X509_Object::choose_sig_format(algorithm_, *issuer_.key, issue::rng(), issuer_.hash, "");
}
Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;

Botan::X509_Certificate Signer::sign(const CertificateTemplate& t, const issue::Serial& serial) {
    return Botan::X509_CA::make_cert(signer_.get(), issue::rng(), serial.value(), algorithm_, t.public_key.spki,
                                     Botan::X509_Time(t.not_before), Botan::X509_Time(t.not_after), issuer_.name,
                                     t.subject.dn(), extensions_for(t, issuer_));
}

}  // namespace pkitool::ca
