// read-certificate-data's fields, from a parsed certificate.
#include "exchange/client/certificate_data.h"

#include <botan/base64.h>
#include <botan/bigint.h>
#include <botan/pk_keys.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace pkitool::exchange {

CertificateData CertificateData::of(const Botan::X509_Certificate& cert) {
    CertificateData d;
    std::unique_ptr<Botan::Public_Key> key(cert.subject_public_key());
    const std::string algo = key->algo_name();
    d.key_type = algo == "RSA" ? "RSA" : algo == "ECDSA" ? "EC" : "";
    d.certificate_data = Botan::base64_encode(cert.BER_encode());
    // The serial's octets as a non-negative integer, which a conforming serial is (RFC 5280 §4.1.2.2).
    const auto& serial = cert.serial_number();
    d.serial_number = Botan::BigInt(serial.data(), serial.size()).to_dec_string();
    for (const char* hash : {"SHA256", "SHA384", "SHA512"}) d.supported_algorithms.push_back(d.key_type + hash);
    return d;
}

std::string CertificateData::json() const {
    nlohmann::ordered_json j;
    j["keyType"] = key_type;
    j["certificateData"] = certificate_data;
    j["serialNumber"] = serial_number;
    j["supportedAlgorithms"] = supported_algorithms;
    return j.dump();
}

}  // namespace pkitool::exchange
