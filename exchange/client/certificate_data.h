// What aws_signing_helper's `read-certificate-data` reports about a certificate file: the facts
// CreateSession is built from (the key type picks the signing algorithm, the serial in decimal is
// the Credential= of the Authorization header; IAM Roles Anywhere User Guide, "Signing process").
#pragma once

#include <botan/x509cert.h>

#include <string>
#include <vector>

namespace pkitool::exchange {

struct CertificateData {
    std::string key_type;                       // "RSA", "EC", or "" for any other key
    std::string certificate_data;               // the DER, base64 (RFC 4648 §4, padded)
    std::string serial_number;                  // decimal
    std::vector<std::string> supported_algorithms;  // key_type + "SHA256", "SHA384", "SHA512"

    static CertificateData of(const Botan::X509_Certificate& cert);

    // {"keyType":…,"certificateData":…,"serialNumber":…,"supportedAlgorithms":[…]}: the helper's
    // field order, compact, no newline.
    std::string json() const;
};

}  // namespace pkitool::exchange
