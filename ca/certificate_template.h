// What a CA is about to sign: every field of the certificate, decided before any signature is made.
#pragma once

#include "issue/key.h"
#include "issue/san.h"
#include "issue/serial.h"
#include "issue/subject.h"
#include "profiles/profile.h"

#include <botan/pk_keys.h>
#include <botan/pubkey.h>
#include <botan/x509cert.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace pkitool::ca {

using Clock = std::chrono::system_clock;

// Where the caller will write the certificate and its key, recorded with the row (issue #8).
struct Delivery {
    std::optional<std::filesystem::path> certificate, key;
};

// How a delivery path is recorded and looked up: absolute and normalised, so `fleet/vm.crt` and
// `./fleet/vm.crt` are one file.
std::string recorded_path(const std::filesystem::path& p);

struct CertificateTemplate {
    issue::Subject subject;
    issue::SubjectAltNames sans;
    issue::SubjectKey public_key;
    profiles::Profile profile;
    Clock::time_point not_before;
    Clock::time_point not_after;
    Delivery delivery = {};
    // The certificate this one renews (`renew`): linked to it in the transaction that records this one.
    std::optional<issue::Serial> renews = std::nullopt;

    // The lines `issue` shows for review: subject, SANs, validity, profile, extensions.
    std::vector<std::pair<std::string, std::string>> describe() const;
};

// The issuer side of a signature: its name, key identifier and private key.
struct Issuer {
    Botan::X509_DN name;
    std::vector<uint8_t> key_id;  // becomes the authorityKeyIdentifier
    const Botan::Private_Key* key;
    std::string hash;             // "SHA-256" or "SHA-384"
};

// Signs templates for one issuer: v3, the profile's extensions, PKCS#1 v1.5 for RSA. The Botan
// signer is set up once and reused, which matters in batches; one Signer per thread.
class Signer {
public:
    explicit Signer(Issuer issuer);
    ~Signer();
    Signer(Signer&&) noexcept;
    Botan::X509_Certificate sign(const CertificateTemplate& t, const issue::Serial& serial);

private:
    Issuer issuer_;
    Botan::AlgorithmIdentifier algorithm_;
    std::unique_ptr<Botan::PK_Signer> signer_;
};

// notBefore is backdated so that hosts whose clocks run a little behind accept a fresh certificate.
constexpr std::chrono::minutes kBackdate{5};

}  // namespace pkitool::ca
