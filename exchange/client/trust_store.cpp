// The trust store of the CreateSession transport: chosen once per request, checked before use.
#include "exchange/client/trust_store.h"

#include "base/error.h"
#include "base/files.h"
#include "base/pem.h"

#include <cstdlib>

namespace pkitool::exchange {

TrustStore TrustStore::choose(const std::string& given) {
    if (!given.empty()) return {given, kGiven};
    for (const char* name : {kAwsCaBundle, kSslCertFile})
        if (const char* value = std::getenv(name); value && *value) return {value, name};
    return {};
}

void TrustStore::check() const {
    if (file.empty()) return;
    std::string text;
    try {
        text = files::read_text(file);
    } catch (const Error& e) {
        // files::read words it "FILE: problem"; here the input that named the file leads.
        std::string problem = e.what();
        const std::string prefix = files::name_of(file) + ": ";
        if (problem.rfind(prefix, 0) == 0) problem.erase(0, prefix.size());
        throw Error(Error::Input{origin, file}, problem);
    }
    // libcurl's OpenSSL backend reads PEM only (CURLOPT_CAINFO); a DER file or a key would make
    // every request fail with "error setting certificate file".
    for (const auto& block : pem::scan(text).blocks)
        if (pem::is_certificate_label(block.label)) return;
    throw Error(Error::Input{origin, file}, "holds no PEM certificate: a CA bundle is one or more PEM CERTIFICATE blocks",
                "convert a DER certificate with: openssl x509 -inform der -in CA.der -out CA.pem");
}

std::string TrustStore::describe() const {
    if (file.empty()) return "the system's CA store";
    return "the CAs in " + file + (origin == kGiven ? "" : " (from " + origin + ")");
}

}  // namespace pkitool::exchange
