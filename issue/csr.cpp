// CSR creation through Botan's PKCS10_Request::create.
#include "issue/csr.h"

#include "issue/random.h"

#include <botan/x509_ext.h>

namespace pkitool::issue {

Botan::PKCS10_Request make_csr(const PrivateKey& key, const Subject& subject, const SubjectAltNames& sans) {
    Botan::Extensions ext;
    if (!sans.empty())
        ext.add(new Botan::Cert_Extension::Subject_Alternative_Name(sans.to_botan()), false);  // Extensions takes ownership
    return Botan::PKCS10_Request::create(key.botan(), subject.dn(), ext, key.type().signature_hash(), rng());
}

}  // namespace pkitool::issue
