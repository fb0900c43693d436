// A CA's certificate revocation list (RFC 5280 §5), built from its inventory and signed with Botan.
#pragma once

#include "ca/certificate_template.h"
#include "db/record.h"

#include <botan/pk_keys.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace pkitool::ca {

struct CrlContents {
    uint64_t number;                         // cRLNumber (§5.2.3)
    Clock::time_point this_update;
    Clock::time_point next_update;
    std::vector<db::RevokedSerial> revoked;  // one entry each, in this order
};

// Signs a v2 CRL: issuer = the CA's subject, authorityKeyIdentifier = the CA's SKI (§5.2.1),
// cRLNumber, and per entry the serial, its revocation date and, unless unspecified, its reason
// code (§5.3.1), with a hold's holdInstructionCode when one was recorded. `key` must belong to `ca_cert`; the result is checked against it.
Botan::X509_CRL sign_crl(const CrlContents& contents, const Botan::X509_Certificate& ca_cert, const Botan::Private_Key& key,
                         const std::string& hash);

// Roles Anywhere imports a CRL as PEM of at most this many characters.
constexpr size_t kRolesAnywhereCrlLimit = 300'000;

// Whether a PEM CRL of `pem_characters` can be imported: NearLimit from 90% of the limit, so the
// operator hears of it a few hundred revocations before imports start to fail.
enum class CrlSize { Fits, NearLimit, TooLarge };
CrlSize rolesanywhere_fit(size_t pem_characters);
std::string to_string(CrlSize s);

}  // namespace pkitool::ca
