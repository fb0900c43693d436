// Requests and CRLs: one object per input, its PEM block found by base/pem.h, decoded by Botan;
// we add the file name and the reason.
#include "issue/x509_file.h"
#include "issue/key.h"

#include "base/error.h"
#include "base/files.h"
#include "base/pem.h"
#include "issue/pkcs12.h"

#include <botan/data_src.h>
#include <botan/x509_key.h>

#include <initializer_list>

namespace pkitool::issue {

namespace {

std::string_view as_text(std::span<const uint8_t> data) { return {reinterpret_cast<const char*>(data.data()), data.size()}; }

struct Kind {
    const char* what;                                // "certificate request (CSR)"
    const char* expected;                            // what an empty file should have held
    std::initializer_list<std::string_view> labels;  // its PEM labels, the first as RFC 7468 names it
};

// RFC 7468 §7; "NEW CERTIFICATE REQUEST" is what older Netscape and Microsoft tools write.
const Kind kCsr{"certificate request (CSR)", "a certificate request", {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"}};
const Kind kCrl{"CRL", "a CRL", {"X509 CRL"}};  // RFC 7468 §6

bool is_label(const Kind& kind, std::string_view label) {
    for (const auto l : kind.labels)
        if (l == label) return true;
    return false;
}

// The DER of the one object of `kind` in `data`: the single PEM block with its label (a second
// one, or bytes after a DER object, is never ignored: which would be meant?).
std::vector<uint8_t> der_of(std::span<const uint8_t> data, const std::string& name, const Kind& kind) {
    if (data.empty()) throw Error(name + ": file is empty, expected " + kind.expected);
    const auto text = as_text(data);
    if (!pem::is_pem(text)) {
        bool trailing = false;
        try {
            trailing = pem::has_trailing_data(data.data(), data.size());
        } catch (const std::exception& e) {
            throw Error(name + ": corrupt or truncated " + kind.what + " (" + e.what() + ")");
        }
        if (trailing) throw Error(name + ": bytes follow the DER " + std::string(kind.what) + ": the file is not one " + kind.what);
        return {data.begin(), data.end()};
    }
    const auto scanned = pem::scan(text);
    if (!scanned.problem.empty()) throw Error(name + ": " + scanned.problem);
    const pem::Block* found = nullptr;
    size_t n = 0;
    for (const auto& b : scanned.blocks)
        if (is_label(kind, b.label) && n++ == 0) found = &b;
    if (n > 1)
        throw Error(name + ": holds " + std::to_string(n) + " PEM blocks \"" + std::string(*kind.labels.begin()) + "\", expected exactly one " +
                        kind.what,
                    "split the file: one " + std::string(kind.what) + " per file");
    if (!found) throw Error(name + ": holds a PEM \"" + pem::first_label(text) + "\", expected " + kind.what);
    std::vector<uint8_t> der;
    try {
        pem::decode(*found, der);
    } catch (const std::exception& e) {
        throw Error(name + ": corrupt or truncated " + kind.what + " (" + e.what() + ")");
    }
    return der;
}

}  // namespace

Botan::PKCS10_Request parse_csr(std::span<const uint8_t> data, const std::string& name) {
    const auto der = der_of(data, name, kCsr);
    try {
        return Botan::PKCS10_Request(der);
    } catch (const std::exception& e) {
        // Botan verifies the self-signature while decoding, so a request returned above is signed
        // by the key it names; a failed check surfaces as "Bad signature detected".
        if (std::string(e.what()).find("Bad signature") != std::string::npos)
            throw Error(name + ": the request's signature does not verify (altered or corrupt CSR)",
                        "create the CSR again with the private key it names");
        throw Error(name + ": corrupt or truncated " + kCsr.what + " (" + e.what() + ")");
    }
}

Botan::PKCS10_Request load_csr(const fs::path& path) { return parse_csr(files::read(path), files::name_of(path)); }

Botan::X509_CRL parse_crl(std::span<const uint8_t> data, const std::string& name) {
    const auto der = der_of(data, name, kCrl);
    try {
        return Botan::X509_CRL(der);
    } catch (const std::exception& e) {
        throw Error(name + ": corrupt or truncated " + kCrl.what + " (" + e.what() + ")");
    }
}

Botan::X509_CRL load_crl(const fs::path& path) { return parse_crl(files::read(path), files::name_of(path)); }

FileKind detect_kind(std::span<const uint8_t> data) {
    const std::string label = pem::first_label(as_text(data));
    if (pem::is_certificate_label(label)) return FileKind::Certificate;
    if (is_label(kCsr, label)) return FileKind::CertificateRequest;
    if (is_label(kCrl, label)) return FileKind::Crl;
    // PKCS#8, and the SEC1 and PKCS#1 forms openssl writes by default (RFC 5915, RFC 8017 A.1.2).
    // `openssl ecparam -genkey` puts an EC PARAMETERS block before the key.
    if (label == "PRIVATE KEY" || label == "EC PRIVATE KEY" || label == "RSA PRIVATE KEY" ||
        (label == "EC PARAMETERS" && as_text(data).find("-----BEGIN EC PRIVATE KEY-----") != std::string_view::npos))
        return FileKind::PrivateKey;
    if (label == "ENCRYPTED PRIVATE KEY") return FileKind::EncryptedPrivateKey;
    if (label == "PUBLIC KEY") return FileKind::PublicKey;
    if (!label.empty()) return FileKind::Unknown;
    if (Pkcs12::detect(data)) return FileKind::Pkcs12;
    // DER: try each type in turn, most common first.
    const auto parses = [&](auto make) {
        try {
            make();
            return true;
        } catch (const std::exception&) {
            return false;
        }
    };
    const std::vector<uint8_t> der(data.begin(), data.end());
    if (parses([&] { return Botan::X509_Certificate(der); })) return FileKind::Certificate;
    if (parses([&] { return Botan::PKCS10_Request(der); })) return FileKind::CertificateRequest;
    if (parses([&] { Botan::DataSource_Memory src(der); return Botan::X509_CRL(src); })) return FileKind::Crl;
    if (PrivateKey::is_encrypted(der)) return FileKind::EncryptedPrivateKey;
    if (parses([&] { return PrivateKey::parse(der, "", std::nullopt); })) return FileKind::PrivateKey;
    if (parses([&] { return std::unique_ptr<Botan::Public_Key>(Botan::X509::load_key(der)); })) return FileKind::PublicKey;
    return FileKind::Unknown;
}

}  // namespace pkitool::issue
