// X.509 object decoding: Botan accepts PEM or DER from one DataSource; we add the file name and the reason.
#include "issue/x509_file.h"

#include "pkitool/error.h"
#include "pkitool/files.h"

#include <botan/data_src.h>
#include <botan/pem.h>
#include <botan/pk_keys.h>

namespace pkitool::issue {

namespace {

bool is_pem(const std::vector<uint8_t>& data) {
    const std::string text(data.begin(), data.end());
    return text.find("-----BEGIN ") != std::string::npos;
}

std::string first_label(const std::vector<uint8_t>& data) {
    const std::string text(data.begin(), data.end());
    const auto b = text.find("-----BEGIN ");
    if (b == std::string::npos) return "";
    const auto e = text.find("-----", b + 11);
    return e == std::string::npos ? "" : text.substr(b + 11, e - b - 11);
}

std::string describe(const std::vector<uint8_t>& data) {
    const std::string label = first_label(data);
    if (!label.empty()) return "holds a PEM \"" + label + "\"";
    return "is not PEM and not valid DER";
}

std::vector<uint8_t> read_nonempty(const fs::path& path, const char* what) {
    auto data = files::read(path);
    if (data.empty()) throw Error(path.string() + ": file is empty, expected " + what);
    return data;
}

template <typename T>
T decode_one(const fs::path& path, const std::vector<uint8_t>& data, const char* what, const char* label) {
    try {
        Botan::DataSource_Memory src(data);
        return T(src);
    } catch (const std::exception& e) {
        if (is_pem(data) && first_label(data).find(label) == std::string::npos)
            throw Error(path.string() + ": " + describe(data) + ", expected " + what);
        throw Error(path.string() + ": corrupt or truncated " + what + " (" + e.what() + ")");
    }
}

}  // namespace

std::vector<Botan::X509_Certificate> load_certificates(const fs::path& path) {
    const auto data = read_nonempty(path, "a certificate");
    std::vector<Botan::X509_Certificate> certs;
    if (!is_pem(data)) {
        certs.push_back(decode_one<Botan::X509_Certificate>(path, data, "certificate", "CERTIFICATE"));
        return certs;
    }
    Botan::DataSource_Memory src(data);
    while (true) {
        std::string label;
        std::vector<uint8_t> der;
        try {
            if (!Botan::PEM_Code::matches(src, "", 64 * 1024)) break;  // no further PEM block
            der = Botan::unlock(Botan::PEM_Code::decode(src, label));
        } catch (const std::exception& e) {
            throw Error(path.string() + ": corrupt PEM block after " + std::to_string(certs.size()) + " certificate(s) (" + e.what() + ")");
        }
        if (label != "CERTIFICATE" && label != "X509 CERTIFICATE") continue;  // bundles may carry keys, CRLs
        try {
            certs.emplace_back(der);
        } catch (const std::exception& e) {
            throw Error(path.string() + ": certificate #" + std::to_string(certs.size() + 1) + " is corrupt (" + e.what() + ")");
        }
    }
    if (certs.empty()) throw Error(path.string() + ": " + describe(data) + ", expected a certificate");
    return certs;
}

Botan::X509_Certificate load_certificate(const fs::path& path) {
    auto certs = load_certificates(path);
    if (certs.size() != 1)
        throw Error(path.string() + ": holds " + std::to_string(certs.size()) + " certificates, expected exactly one");
    return certs.front();
}

Botan::PKCS10_Request load_csr(const fs::path& path) {
    const auto data = read_nonempty(path, "a certificate request");
    try {
        return decode_one<Botan::PKCS10_Request>(path, data, "certificate request (CSR)", "CERTIFICATE REQUEST");
    } catch (const Error& e) {
        // Botan verifies the self-signature while decoding, so a request returned above is signed
        // by the key it names; a failed check surfaces as "Bad signature detected".
        if (std::string(e.what()).find("Bad signature") != std::string::npos)
            throw Error(path.string() + ": the request's signature does not verify (altered or corrupt CSR)",
                        "create the CSR again with the private key it names");
        throw;
    }
}

Botan::X509_CRL load_crl(const fs::path& path) {
    const auto data = read_nonempty(path, "a CRL");
    return decode_one<Botan::X509_CRL>(path, data, "CRL", "X509 CRL");
}

FileKind detect_kind(const std::vector<uint8_t>& data) {
    const std::string label = first_label(data);
    if (label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE") return FileKind::Certificate;
    if (label == "CERTIFICATE REQUEST" || label == "NEW CERTIFICATE REQUEST") return FileKind::CertificateRequest;
    if (label == "X509 CRL") return FileKind::Crl;
    if (label == "PRIVATE KEY") return FileKind::PrivateKey;
    if (label == "ENCRYPTED PRIVATE KEY") return FileKind::EncryptedPrivateKey;
    if (label == "PUBLIC KEY") return FileKind::PublicKey;
    if (!label.empty()) return FileKind::Unknown;
    // DER: try each type in turn, most common first.
    const auto parses = [&](auto make) {
        try {
            make();
            return true;
        } catch (const std::exception&) {
            return false;
        }
    };
    if (parses([&] { return Botan::X509_Certificate(data); })) return FileKind::Certificate;
    if (parses([&] { return Botan::PKCS10_Request(data); })) return FileKind::CertificateRequest;
    if (parses([&] { Botan::DataSource_Memory src(data); return Botan::X509_CRL(src); })) return FileKind::Crl;
    return FileKind::Unknown;
}

std::string to_pem(const Botan::X509_Certificate& cert) { return cert.PEM_encode(); }

}  // namespace pkitool::issue
