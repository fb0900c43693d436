// Profile conformance rules (Roles Anywhere User Guide, "Trust model" and the profile's own data).
#include "profiles/conformance.h"

#include "issue/key.h"
#include "issue/serial.h"
#include "issue/subject.h"

#include "base/error.h"

#include <botan/ber_dec.h>
#include <botan/hex.h>
#include <botan/x509_ext.h>

#include <map>

#include <algorithm>

namespace pkitool::profiles {

namespace {

// Lint runs these per certificate: OIDs are compared as values, never rebuilt from strings.
const Botan::OID& eku_oid(ExtendedUsage u) {
    static const std::map<ExtendedUsage, Botan::OID> oids = [] {
        std::map<ExtendedUsage, Botan::OID> m;
        for (auto x : {ExtendedUsage::ClientAuth, ExtendedUsage::ServerAuth, ExtendedUsage::CodeSigning, ExtendedUsage::EmailProtection,
                       ExtendedUsage::OcspSigning, ExtendedUsage::TimeStamping})
            m.emplace(x, Botan::OID(oid_of(x)));
        return m;
    }();
    return oids.at(u);
}

// The signature algorithms a private CA uses, by OID (RFC 4055, RFC 5758); others go the slow way.
size_t known_signature_hash_bits(const Botan::OID& oid) {
    static const std::vector<std::pair<Botan::OID, size_t>> known = {
        {Botan::OID("1.2.840.113549.1.1.11"), 256}, {Botan::OID("1.2.840.113549.1.1.12"), 384}, {Botan::OID("1.2.840.113549.1.1.13"), 512},
        {Botan::OID("1.2.840.10045.4.3.2"), 256},   {Botan::OID("1.2.840.10045.4.3.3"), 384},   {Botan::OID("1.2.840.10045.4.3.4"), 512},
        {Botan::OID("1.2.840.113549.1.1.5"), 160},  {Botan::OID("1.2.840.10045.4.1"), 160},     {Botan::OID("1.2.840.113549.1.1.4"), 128}};
    for (const auto& [o, bits] : known)
        if (o == oid) return bits;
    return 0;
}

// The key type named by the SubjectPublicKeyInfo, without decoding the key itself: EC curves by
// their OID, RSA by its modulus. Error (as key_type_of) for anything else, Ed25519 included.
issue::KeyType key_type_of_certificate(const Botan::X509_Certificate& cert) {
    static const Botan::OID ec_public_key("1.2.840.10045.2.1");
    static const Botan::OID p256("1.2.840.10045.3.1.7");
    static const Botan::OID p384("1.3.132.0.34");
    const auto& algo = cert.subject_public_key_algo();
    if (algo.get_oid() == ec_public_key) {
        Botan::OID curve;
        try {
            Botan::BER_Decoder(algo.get_parameters()).decode(curve);
        } catch (const std::exception&) {
            throw Error("EC key with explicit or unreadable curve parameters is not supported", "use ec:p256 or ec:p384");
        }
        static const auto ec_p256 = issue::KeyType::parse("ec:p256");
        static const auto ec_p384 = issue::KeyType::parse("ec:p384");
        if (curve == p256) return ec_p256;
        if (curve == p384) return ec_p384;
    }
    std::unique_ptr<Botan::Public_Key> key(cert.subject_public_key());
    return issue::key_type_of(*key);
}

}  // namespace

std::string certificate_label(const Botan::X509_Certificate& cert) {
    const std::string subject = issue::format_dn(cert.subject_dn());
    // Uppercase hex of the serial's magnitude, as `openssl x509 -serial` prints it (no BigInt round trip).
    const auto& serial = cert.serial_number();
    const std::string hex = serial.empty() ? "00" : Botan::hex_encode(serial);
    return (subject.empty() ? std::string("(empty subject)") : subject) + " (serial " + (cert.is_serial_negative() ? "-" : "") + hex + ")";
}

size_t signature_hash_bits(const Botan::X509_Certificate& cert) {
    if (const size_t bits = known_signature_hash_bits(cert.signature_algorithm().get_oid())) return bits;
    std::string hash;
    try {
        hash = cert.hash_used_for_signature();
    } catch (const std::exception&) {
        return 0;
    }
    if (hash == "MD5") return 128;
    if (hash == "SHA-160" || hash == "SHA-1") return 160;
    if (hash == "SHA-224") return 224;
    if (hash == "SHA-256" || hash == "SHA-3(256)") return 256;
    if (hash == "SHA-384" || hash == "SHA-3(384)") return 384;
    if (hash == "SHA-512" || hash == "SHA-3(512)") return 512;
    return 0;
}

bool basic_constraints_ca(const Botan::X509_Certificate& cert) {
    // Botan's is_CA_cert() also demands keyCertSign; the rules need the two facts apart.
    const auto* bc = cert.v3_extensions().get_extension_object_as<Botan::Cert_Extension::Basic_Constraints>();
    return bc != nullptr && bc->get_is_ca();
}

std::vector<Finding> check_conformance(const Botan::X509_Certificate& cert, const Profile& profile) {
    return check_conformance(cert, profile, certificate_label(cert));
}

std::vector<Finding> check_conformance(const Botan::X509_Certificate& cert, const Profile& profile, const std::string& who) {
    std::vector<Finding> out;
    const NextStep fix{NextStep::Kind::Reissue, "re-issue it under profile " + profile.name, "", "", profile.name};
    const NextStep recreate_ca{NextStep::Kind::RecreateCa, "re-create the CA"};
    const bool ca = profile.is_ca();
    const std::string prefix = ca ? "ra.anchor." : "ra.ee.";
    const auto add = [&](const std::string& rule, Severity s, const std::string& msg, const std::string& how) {
        out.push_back({rule, s, who, msg, how});
    };
    const auto add_step = [&](const std::string& rule, Severity s, const std::string& msg, const NextStep& step) {
        out.push_back(finding(rule, s, who, msg, step));
    };

    // A v1/v2 certificate has no extensions (RFC 5280 §4.1.2.1): the version is the one defect to
    // report; every extension rule would only repeat it.
    const bool v3 = cert.x509_version() == 3;
    if (!v3)
        add_step(prefix + "version", Severity::Error, "X.509 version " + std::to_string(cert.x509_version()) + ", Roles Anywhere requires version 3", fix);

    const auto& ext = cert.v3_extensions();
    const Botan::OID bc_oid = Botan::Cert_Extension::Basic_Constraints::static_oid();
    const bool has_bc = ext.extension_set(bc_oid);
    const bool is_ca = basic_constraints_ca(cert);
    if (!v3) {
        // nothing more to say about extensions
    } else if (ca) {
        if (!is_ca)
            add_step("ra.anchor.ca", Severity::Error, has_bc ? "basicConstraints says CA:FALSE, a trust anchor must be a CA" : "no basicConstraints CA:TRUE, a trust anchor must be a CA",
                     recreate_ca);
        else if (!ext.critical_extension_set(bc_oid))
            add_step("rfc5280.ca.basic-constraints-critical", Severity::Error, "basicConstraints is not marked critical on a CA (RFC 5280 §4.2.1.9)", recreate_ca);
        if (!(cert.constraints() & Botan::KEY_CERT_SIGN))
            add_step("ra.anchor.key-cert-sign", Severity::Error, "keyUsage lacks keyCertSign, a trust anchor must be allowed to sign certificates", recreate_ca);
    } else {
        if (has_bc && is_ca)
            add_step("ra.ee.basic-constraints", Severity::Error, "basicConstraints says CA:TRUE, a Roles Anywhere end-entity certificate must be CA:FALSE", fix);
        if (cert.constraints() == Botan::NO_CONSTRAINTS)
            add_step("ra.ee.digital-signature", Severity::Error, "no keyUsage extension, Roles Anywhere requires digitalSignature", fix);
        else if (!(cert.constraints() & Botan::DIGITAL_SIGNATURE))
            add_step("ra.ee.digital-signature", Severity::Error, "keyUsage lacks digitalSignature, which Roles Anywhere requires", fix);
        if (cert.subject_dn().dn_info().empty())  // format_dn is empty exactly when there is no attribute
            add("ra.ee.subject-empty", Severity::Error, "the subject is empty; Roles Anywhere needs a subject even when SANs are present",
                "re-issue it with a subject such as CN=..., under profile " + profile.name);
        const auto& ekus = cert.extended_key_usage();
        for (const auto& want : profile.extended_key_usage)
            if (std::find(ekus.begin(), ekus.end(), eku_oid(want)) == ekus.end())
                add_step("profile.eku", Severity::Warning, "extendedKeyUsage lacks " + name_of(want) + " (profile " + profile.name + " asks for it)", fix);
    }

    const size_t hash_bits = signature_hash_bits(cert);
    if (hash_bits < profile.min_signature_hash_bits)
        add_step("ra.sig.hash", Severity::Error,
                 hash_bits == 0 ? "signature algorithm " + cert.signature_algorithm().get_oid().to_formatted_string() + " is not one Roles Anywhere accepts"
                                : "signed with a " + std::to_string(hash_bits) + "-bit hash; Roles Anywhere requires SHA-256 or stronger",
                 ca ? recreate_ca : fix);

    try {
        const auto type = key_type_of_certificate(cert);
        if (!profile.allows_key(type))
            add_step("ra.key.type", Severity::Error, "key type " + type.name() + " is not allowed by profile " + profile.name, fix);
    } catch (const std::exception& e) {
        add("ra.key.type", Severity::Error, std::string("unsupported key: ") + e.what(), "use an RSA (2048+) or EC P-256/P-384 key: " + fix.plain);
    }
    return out;
}

}  // namespace pkitool::profiles
