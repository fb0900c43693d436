// The certificates clients present in X-Amz-X509 and X-Amz-X509-Chain, decoded once per distinct
// header value: a client presents the same certificate on every CreateSession it makes.
#pragma once

#include "exchange/sigv4.h"

#include <botan/pubkey.h>
#include <botan/x509cert.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace pkitool::exchange {

// One decoded certificate with what every request needs from it. Immutable once made, so requests
// on several threads share it; only the idle verifiers change, under a lock.
class PresentedCertificate {
public:
    explicit PresentedCertificate(Botan::X509_Certificate cert);

    const Botan::X509_Certificate& cert() const { return cert_; }
    // Null when the SubjectPublicKeyInfo cannot be decoded; key_error() then says why.
    const Botan::Public_Key* key() const { return key_.get(); }
    const std::string& key_error() const { return key_error_; }
    const std::string& serial_decimal() const { return serial_decimal_; }
    const std::string& label() const { return label_; }

    // As verify_x509 (sigv4.h), with a PK_Verifier reused across requests: building one costs about
    // a fifth of an ECDSA verify (Botan precomputes multiples of the public point).
    bool verify_x509(SigningAlgorithm algorithm, const std::string& string_to_sign, const std::vector<uint8_t>& signature) const;

private:
    Botan::X509_Certificate cert_;
    std::unique_ptr<Botan::Public_Key> key_;
    std::string serial_decimal_, label_, key_error_;
    mutable std::mutex mutex_;
    mutable std::vector<std::pair<SigningAlgorithm, std::unique_ptr<Botan::PK_Verifier>>> idle_;  // (algorithm, verifier)
};

class PresentedCertificates {
public:
    // The certificate in `base64_der`, or null when it is not a base64-encoded DER certificate.
    // Failures are not remembered; at most kCapacity certificates are.
    std::shared_ptr<const PresentedCertificate> decode(const std::string& base64_der);

    static constexpr size_t kCapacity = 1000;

private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const PresentedCertificate>> by_header_;
};

}  // namespace pkitool::exchange
