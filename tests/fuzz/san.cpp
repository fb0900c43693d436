// Fuzz target: --san values. Property: what parses encodes to DER that decodes to the same names.
#include "issue/san.h"

#include <botan/x509_ext.h>

#include <cstdlib>

using namespace pkitool;

namespace {

// The DER pkitool would put in a certificate, through Botan's own extension encoding.
std::vector<uint8_t> encoded(const issue::SubjectAltNames& sans) {
    Botan::Extensions ext;
    ext.add(sans.extension().release(), false);
    return ext.extensions_raw().begin()->second.first;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::optional<issue::SubjectAltNames> sans;
    try {
        sans = issue::SubjectAltNames::parse({text});
    } catch (const std::exception&) {
        return 0;
    }
    if (sans->empty()) return 0;
    const auto back = issue::SubjectAltNames::of(issue::decode_general_names(encoded(*sans)), "fuzz");
    if (back.entries() != sans->entries()) std::abort();
    return 0;
}
