// Private keys that stay in a PKCS#11 token: found by URI or generated there, signing through
// issue/held_key.h with CKM_ECDSA, or CKM_RSA_PKCS over a DigestInfo.
#pragma once

#include "issue/pkcs11/key_uri.h"
#include "issue/pkcs11/session.h"

#include <botan/pk_keys.h>

#include <memory>
#include <string>
#include <vector>

namespace pkitool::issue {
class KeyType;
}

namespace pkitool::issue::pkcs11 {

// The private key the URI names (its object label and/or id; the only private key on the token
// when the URI names none), with its public half read from the token: the public key object of
// the same id, else a certificate of that id. Errors: no such key, several (each named), a key
// type or mechanism the token cannot sign with, a key not allowed to sign.
std::shared_ptr<Botan::Private_Key> open_key(const KeyUri& uri, const Access& access);

// A new key pair made inside the token: private half sensitive, never extractable, able to sign;
// labelled with the URI's object and given its id (else the key identifier of RFC 5280
// §4.2.1.2 (1), so a certificate's subjectKeyIdentifier finds it). Refuses a label already taken.
std::shared_ptr<Botan::Private_Key> generate_key(const KeyUri& uri, const KeyType& type, const Access& access);

// A certificate object on a token, with what names it in a URI.
struct TokenCertificate {
    std::vector<uint8_t> der;  // CKA_VALUE
    std::string label;         // CKA_LABEL
    std::vector<uint8_t> id;   // CKA_ID
    std::string token;         // the token's label
};

// The certificates the URI names, or with `whole_token` every certificate on its token (to build
// a chain from). Looked for in a public session first, and after a login only when none is found
// there (draft-woodhouse-cert-best-practice §8.1): a certificate needs no PIN.
std::vector<TokenCertificate> find_certificates(const KeyUri& uri, const Access& access, bool whole_token = false);

// Where it is, for messages and records: its URI without the PIN.
std::string location_of(const Botan::Private_Key& key);

}  // namespace pkitool::issue::pkcs11
