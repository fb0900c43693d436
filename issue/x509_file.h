// Reading certificates, CSRs and CRLs from PEM or DER files, with errors that name the file.
#pragma once

#include <botan/pkcs10.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <filesystem>
#include <string>
#include <vector>

namespace pkitool::issue {

namespace fs = std::filesystem;

// Every certificate in a PEM bundle, or the one in a DER file. Error when there is none or one is corrupt.
std::vector<Botan::X509_Certificate> load_certificates(const fs::path& path);
// Exactly one certificate.
Botan::X509_Certificate load_certificate(const fs::path& path);
// A PKCS#10 request whose self-signature has been checked.
Botan::PKCS10_Request load_csr(const fs::path& path);
Botan::X509_CRL load_crl(const fs::path& path);

// What a file holds, judged by its PEM label (DER is tried as each type in turn).
enum class FileKind { Certificate, CertificateRequest, Crl, PrivateKey, EncryptedPrivateKey, PublicKey, Unknown };
FileKind detect_kind(const std::vector<uint8_t>& data);

std::string to_pem(const Botan::X509_Certificate& cert);

// Bytes follow the first DER object of `der` (issue #8: a certificate with junk appended is not
// that certificate). Throws Botan::Decoding_Error when there is no complete first object.
bool has_trailing_data(const uint8_t* der, size_t size);

}  // namespace pkitool::issue
