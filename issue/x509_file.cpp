// X.509 object decoding: Botan accepts PEM or DER from one DataSource; we add the file name and the reason.
#include "issue/x509_file.h"

#include "base/error.h"
#include "base/files.h"

#include <botan/ber_dec.h>
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

// The PEM blocks of `data` whose label contains `label`.
size_t pem_blocks(const std::vector<uint8_t>& data, const std::string& label) {
    const std::string text(data.begin(), data.end());
    size_t n = 0;
    for (size_t at = text.find("-----BEGIN "); at != std::string::npos; at = text.find("-----BEGIN ", at + 11)) {
        const auto end = text.find("-----", at + 11);
        if (end != std::string::npos && text.substr(at + 11, end - at - 11).find(label) != std::string::npos) ++n;
    }
    return n;
}

template <typename T>
T decode_one(const fs::path& path, const std::vector<uint8_t>& data, const char* what, const char* label) {
    // One object per file: a second request or CRL, or bytes after the first, is never ignored.
    if (is_pem(data)) {
        if (const size_t n = pem_blocks(data, label); n > 1)
            throw Error(path.string() + ": holds " + std::to_string(n) + " PEM blocks \"" + label + "\", expected exactly one " + what,
                        "split the file: one " + std::string(what) + " per file");
    } else {
        bool trailing = false;
        try {
            trailing = has_trailing_data(data.data(), data.size());
        } catch (const std::exception& e) {
            throw Error(path.string() + ": corrupt or truncated " + what + " (" + e.what() + ")");
        }
        if (trailing) throw Error(path.string() + ": bytes follow the DER " + what + ": the file is not one " + what);
    }
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
            if (has_trailing_data(der.data(), der.size()))
                throw Error(path.string() + ": certificate #" + std::to_string(certs.size() + 1) + " has bytes after its DER encoding");
            certs.emplace_back(der);
        } catch (const Error&) {
            throw;
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

bool has_trailing_data(const uint8_t* der, size_t size) {
    Botan::BER_Decoder in(der, size);
    const auto first = in.get_next_object();
    if (!first.is_set()) throw Botan::Decoding_Error("no DER object");
    return in.more_items();
}

}  // namespace pkitool::issue
