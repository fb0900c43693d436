// CRL encoding. Botan 2.19's X509_CA::new_crl/update_crl are not used, for three reasons found by
// testing them: CRL_Entry can only be made from a certificate and dates it "now" rather than when it
// was revoked; an entry without a reason is encoded with an empty crlEntryExtensions SEQUENCE, which
// RFC 5280 §5.1 forbids (SIZE (1..MAX)); and the cRLNumber can only be the previous CRL's plus one,
// while ours comes from the inventory. So the TBSCertList is built here with Botan's DER encoder
// and signed with X509_Object::make_signed, the same calls X509_CA uses inside.
#include "ca/revocation_list.h"

#include "issue/random.h"
#include "base/error.h"

#include <botan/asn1_obj.h>
#include <botan/der_enc.h>
#include <botan/pubkey.h>
#include <botan/x509_ext.h>

#include <limits>

namespace pkitool::ca {

namespace {

Botan::CRL_Code botan_code(db::Reason r) {
    switch (r) {
        case db::Reason::Unspecified: return Botan::UNSPECIFIED;
        case db::Reason::KeyCompromise: return Botan::KEY_COMPROMISE;
        case db::Reason::CaCompromise: return Botan::CA_COMPROMISE;
        case db::Reason::AffiliationChanged: return Botan::AFFILIATION_CHANGED;
        case db::Reason::Superseded: return Botan::SUPERSEDED;
        case db::Reason::CessationOfOperation: return Botan::CESSATION_OF_OPERATION;
        case db::Reason::CertificateHold: return Botan::CERTIFICATE_HOLD;
    }
    return Botan::UNSPECIFIED;
}

// revokedCertificates: SEQUENCE OF SEQUENCE { userCertificate, revocationDate, crlEntryExtensions OPTIONAL }.
void encode_entries(Botan::DER_Encoder& der, const std::vector<db::RevokedSerial>& revoked) {
    der.start_cons(Botan::SEQUENCE);
    for (const auto& r : revoked) {
        der.start_cons(Botan::SEQUENCE).encode(r.serial.value()).encode(Botan::X509_Time(r.revocation.at));
        // §5.3.1: "the reason code unspecified (0) SHOULD be absent"; then so is the whole extensions field.
        if (r.revocation.reason != db::Reason::Unspecified) {
            Botan::Extensions ext;
            ext.add(new Botan::Cert_Extension::CRL_ReasonCode(botan_code(r.revocation.reason)), false);
            der.start_cons(Botan::SEQUENCE).encode(ext);
            // holdInstructionCode (RFC 3280 §5.3.2), non-critical, for a hold: Botan 2 has no class
            // for it, so the Extension SEQUENCE is written here, its value the DER of the OID.
            if (r.revocation.reason == db::Reason::CertificateHold && r.revocation.hold_instruction)
                der.start_cons(Botan::SEQUENCE)
                    .encode(Botan::OID("2.5.29.23"))
                    .encode(Botan::DER_Encoder().encode(Botan::OID(*r.revocation.hold_instruction)).get_contents(), Botan::OCTET_STRING)
                    .end_cons();
            der.end_cons();
        }
        der.end_cons();
    }
    der.end_cons();
}

}  // namespace

CrlSize rolesanywhere_fit(size_t pem_characters) {
    if (pem_characters > kRolesAnywhereCrlLimit) return CrlSize::TooLarge;
    if (pem_characters >= kRolesAnywhereCrlLimit / 10 * 9) return CrlSize::NearLimit;
    return CrlSize::Fits;
}

std::string to_string(CrlSize s) {
    switch (s) {
        case CrlSize::Fits: return "fits";
        case CrlSize::NearLimit: return "near-limit";
        case CrlSize::TooLarge: return "too-large";
    }
    return "fits";
}

Botan::X509_CRL sign_crl(const CrlContents& c, const Botan::X509_Certificate& ca_cert, const Botan::Private_Key& key,
                         const std::string& hash) {
    // Botan reads cRLNumber back as 32 bits; a CA issuing one CRL a minute needs 8000 years to get there.
    if (c.number == 0 || c.number > std::numeric_limits<uint32_t>::max())
        throw Error("internal: CRL number " + std::to_string(c.number) + " is out of range");
    if (ca_cert.subject_key_id().empty())
        throw Error(issue::format_dn(ca_cert.subject_dn()) + ": the CA certificate has no subjectKeyIdentifier for the CRL's AKI");

    Botan::Extensions ext;
    ext.add(new Botan::Cert_Extension::Authority_Key_ID(ca_cert.subject_key_id()), false);
    ext.add(new Botan::Cert_Extension::CRL_Number(static_cast<size_t>(c.number)), false);

    Botan::AlgorithmIdentifier sig_algo;
    auto signer = Botan::X509_Object::choose_sig_format(sig_algo, key, issue::rng(), hash, "");

    // TBSCertList, RFC 5280 §5.1.2; version 1 means v2, which the extensions require.
    Botan::DER_Encoder der;
    der.start_cons(Botan::SEQUENCE)
        .encode(size_t(1))
        .encode(sig_algo)
        .encode(ca_cert.subject_dn())
        .encode(Botan::X509_Time(c.this_update))
        .encode(Botan::X509_Time(c.next_update));
    // "When there are no revoked certificates, the revoked certificates list MUST be absent."
    if (!c.revoked.empty()) encode_entries(der, c.revoked);
    der.start_explicit(0).start_cons(Botan::SEQUENCE).encode(ext).end_cons().end_explicit();
    der.end_cons();

    Botan::X509_CRL crl(Botan::X509_Object::make_signed(signer.get(), issue::rng(), sig_algo, der.get_contents()));
    // Read back what was signed: a CRL that Botan itself cannot verify is never written.
    std::unique_ptr<Botan::Public_Key> pub(ca_cert.subject_public_key());
    if (!crl.check_signature(*pub) || crl.crl_number() != c.number || crl.get_revoked().size() != c.revoked.size())
        throw Error("internal: the new CRL of " + issue::format_dn(ca_cert.subject_dn()) + " does not verify");
    return crl;
}

}  // namespace pkitool::ca
