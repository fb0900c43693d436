// Certificate signing requests (PKCS#10) created from a key, a subject and SANs.
#pragma once

#include "issue/key.h"
#include "issue/san.h"
#include "issue/subject.h"

#include <botan/pkcs10.h>

namespace pkitool::issue {

// Signed with the key's own hash (SHA-384 for P-384, SHA-256 otherwise); SANs go in an
// extensionRequest attribute, which `openssl req -text` shows as "Requested Extensions".
Botan::PKCS10_Request make_csr(const PrivateKey& key, const Subject& subject, const SubjectAltNames& sans);

}  // namespace pkitool::issue
