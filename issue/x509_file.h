// Reading certificate requests and CRLs from PEM or DER, with errors that name the file, and
// telling what a file holds. Certificates are read by base/pem.h.
#pragma once

#include <botan/pkcs10.h>
#include <botan/x509_crl.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace pkitool::issue {

namespace fs = std::filesystem;

// A PKCS#10 request whose self-signature has been checked. `name` is what errors call the input.
Botan::PKCS10_Request parse_csr(std::span<const uint8_t> data, const std::string& name);
// The same from a file ("-": standard input).
Botan::PKCS10_Request load_csr(const fs::path& path);
Botan::X509_CRL parse_crl(std::span<const uint8_t> data, const std::string& name);
Botan::X509_CRL load_crl(const fs::path& path);

// What a file holds, judged by its first PEM label (DER is tried as each type in turn; a PKCS#12
// file is known by its opening, issue/pkcs12.h).
enum class FileKind { Certificate, CertificateRequest, Crl, PrivateKey, EncryptedPrivateKey, PublicKey, Pkcs12, Unknown };
FileKind detect_kind(std::span<const uint8_t> data);

}  // namespace pkitool::issue
