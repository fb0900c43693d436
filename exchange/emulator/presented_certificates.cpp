// Decoded presented certificates, remembered by header value, with reusable signature verifiers.
#include "exchange/emulator/presented_certificates.h"

#include "exchange/sigv4.h"
#include "profiles/conformance.h"

#include <botan/base64.h>
#include <botan/bigint.h>

namespace pkitool::exchange {

PresentedCertificate::PresentedCertificate(Botan::X509_Certificate cert)
    : cert_(std::move(cert)), serial_decimal_(Botan::BigInt(cert_.serial_number()).to_dec_string()), label_(profiles::certificate_label(cert_)) {
    try {
        key_.reset(cert_.subject_public_key());
    } catch (const std::exception& e) {
        key_error_ = e.what();
    }
}

bool PresentedCertificate::verify_x509(SigningAlgorithm algorithm, const std::string& sts, const std::vector<uint8_t>& signature) const {
    if (!key_) return false;
    std::unique_ptr<Botan::PK_Verifier> verifier;
    {
        std::lock_guard lock(mutex_);
        for (auto it = idle_.begin(); it != idle_.end(); ++it)
            if (it->first == algorithm) {
                verifier = std::move(it->second);
                idle_.erase(it);
                break;
            }
    }
    bool ok = false;
    try {
        if (!verifier) verifier = x509_verifier(*key_, algorithm);
        ok = verifier && verifier->verify_message(reinterpret_cast<const uint8_t*>(sts.data()), sts.size(), signature.data(), signature.size());
    } catch (const std::exception&) {
        ok = false;
    }
    // Only a verifier that said yes goes back: Botan 2's PK_Verifier returns false on a signature
    // that is not canonical DER without finishing its hash, which would then prefix the next message.
    if (ok) {
        std::lock_guard lock(mutex_);
        idle_.emplace_back(algorithm, std::move(verifier));
    }
    return ok;
}

std::shared_ptr<const PresentedCertificate> PresentedCertificates::decode(const std::string& base64_der) {
    {
        std::lock_guard lock(mutex_);
        if (const auto it = by_header_.find(base64_der); it != by_header_.end()) return it->second;
    }
    std::shared_ptr<const PresentedCertificate> presented;
    try {
        const auto der = Botan::base64_decode(base64_der);
        presented = std::make_shared<const PresentedCertificate>(Botan::X509_Certificate(der.data(), der.size()));
    } catch (const std::exception&) {
        return nullptr;
    }
    std::lock_guard lock(mutex_);
    if (by_header_.size() >= kCapacity) by_header_.clear();  // requests in flight keep theirs alive
    by_header_.emplace(base64_der, presented);
    return presented;
}

}  // namespace pkitool::exchange
