// RFC 5280 structural rules; each cites the section it comes from.
#include "profiles/rfc5280.h"

#include "profiles/conformance.h"

#include "issue/san.h"
#include "issue/subject.h"

#include <botan/x509_ext.h>

namespace pkitool::profiles {

namespace {

// DER length of the serial INTEGER's contents: the magnitude, plus a leading zero octet
// when its top bit is set (X.690 §8.3.2).
size_t serial_octets(const std::vector<uint8_t>& magnitude) {
    if (magnitude.empty()) return 1;
    return magnitude.size() + ((magnitude.front() & 0x80) ? 1 : 0);
}

bool serial_is_zero(const std::vector<uint8_t>& magnitude) {
    for (auto b : magnitude)
        if (b != 0) return false;
    return true;
}

}  // namespace

std::vector<Finding> check_rfc5280(const Botan::X509_Certificate& cert, const std::string& label) {
    std::vector<Finding> out;
    const NextStep fix = basic_constraints_ca(cert) ? NextStep{NextStep::Kind::RecreateCa, "re-create the CA"}
                                                         : NextStep{NextStep::Kind::Reissue, "re-issue it"};
    const auto add = [&](const char* rule, Severity s, std::string msg) { out.push_back(finding(rule, s, label, std::move(msg), fix)); };

    // §4.1.2.2: the serial MUST be a positive integer of no more than 20 octets.
    const auto& serial = cert.serial_number();
    if (cert.is_serial_negative() || serial_is_zero(serial))
        add("rfc5280.serial", Severity::Error, "the serial number is not positive (RFC 5280 §4.1.2.2)");
    else if (serial_octets(serial) > 20)
        add("rfc5280.serial", Severity::Error,
            "the serial number is " + std::to_string(serial_octets(serial)) + " octets long, RFC 5280 §4.1.2.2 allows at most 20");

    // §4.1.2.5: a validity period that ends before it starts is never valid.
    if (cert.not_before().cmp(cert.not_after()) >= 0)
        add("rfc5280.validity-order", Severity::Error, "notBefore is not before notAfter: the certificate is never valid");

    // Appendix A upper bounds and text rules, and §4.2.1.6 name syntax: what `issue` refuses to
    // sign (issue #8, defect 7). Warnings: validators, openssl included, accept such names.
    if (const auto why = issue::Subject::from(cert.subject_dn()).problem())
        out.push_back(finding("rfc5280.name-bounds", Severity::Warning, label, "the subject's " + *why, fix));
    if (cert.x509_version() != 3) return out;  // v1/v2: no extensions to check (reported by the profile rules)
    try {
        const auto sans = issue::subject_alt_names(cert);
        if (sans.size() > issue::kMaxSans)
            out.push_back(finding("rfc5280.san-syntax", Severity::Warning, label,
                                  std::to_string(sans.size()) + " subject alternative names; pkitool issues at most " + std::to_string(issue::kMaxSans), fix));
        for (const auto& n : sans)
            if (n.type == issue::GeneralName::Type::DNS)
                if (const auto why = issue::dns_name_problem(n.text)) {
                    out.push_back(finding("rfc5280.san-syntax", Severity::Warning, label, "the SAN " + n.to_string() + " is not a DNS name: it " + *why, fix));
                    break;
                }
    } catch (const std::exception& e) {
        out.push_back(finding("rfc5280.san-syntax", Severity::Error, label, std::string("the subjectAltName extension cannot be decoded: ") + e.what(), fix));
    }

    const auto& ext = cert.v3_extensions();
    const bool ca = basic_constraints_ca(cert);
    // §4.2.1.2: conforming CAs MUST include the subjectKeyIdentifier in CA certificates.
    if (ca && cert.subject_key_id().empty())
        add("rfc5280.ca.ski", Severity::Error, "a CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2): path building cannot match its key");
    // §4.2.1.1: authorityKeyIdentifier MUST be present except in self-signed certificates.
    const bool self_issued = cert.raw_subject_dn() == cert.raw_issuer_dn() || cert.subject_dn() == cert.issuer_dn();
    if (!self_issued && cert.authority_key_id().empty())
        add("rfc5280.aki", Severity::Error, "no authorityKeyIdentifier on a certificate that is not self-signed (RFC 5280 §4.2.1.1)");
    // §4.2.1.3: when keyUsage appears in a CA certificate it SHOULD be critical.
    const Botan::OID ku_oid = Botan::Cert_Extension::Key_Usage::static_oid();
    if (ca && ext.extension_set(ku_oid) && !ext.critical_extension_set(ku_oid))
        add("rfc5280.ca.key-usage-critical", Severity::Warning, "keyUsage on a CA certificate is not marked critical (RFC 5280 §4.2.1.3)");
    return out;
}

}  // namespace pkitool::profiles
