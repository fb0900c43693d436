// Structured descriptions of certificates, CSRs, CRLs and keys, for `show` and `--json` output.
#pragma once

#include "issue/key.h"
#include "issue/pkcs12.h"

#include <botan/pkcs10.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <nlohmann/json.hpp>

namespace pkitool::issue {

// Field names are stable: scripts read them. Times are RFC 3339 UTC, serials uppercase hex.
nlohmann::json describe(const Botan::X509_Certificate& cert);
nlohmann::json describe(const Botan::PKCS10_Request& csr);
nlohmann::json describe(const Botan::X509_CRL& crl);
nlohmann::json describe(const PrivateKey& key, bool encrypted);
nlohmann::json describe_public_key(const Botan::Public_Key& key);
// kind "pkcs12": friendly_name, integrity, key_encryption, certificate_encryption, then the
// private_key, certificate (the leaf) and chain as described above (null or [] when absent).
nlohmann::json describe(const Pkcs12& p12);

std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace pkitool::issue
