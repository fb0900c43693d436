// CSR creation through Botan's PKCS10_Request::create.
#include "issue/csr.h"

#include "issue/random.h"

#include <botan/x509_ext.h>

namespace pkitool::issue {

Botan::PKCS10_Request make_csr(const PrivateKey& key, const Subject& subject, const SubjectAltNames& sans) {
    Botan::Extensions ext;
    if (!sans.empty())
        ext.add(sans.extension().release(), false);  // Extensions takes ownership
    return Botan::PKCS10_Request::create(key.botan(), subject.dn(), ext, key.type().signature_hash(), rng());
}

}  // namespace pkitool::issue
