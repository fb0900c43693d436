// Fuzz target: any file given to `lint`, `show` or as a bundle: the PEM scanner and base64
// decoder of base/pem.h behind lint and load_certificates, and the file-kind detection.
#include "base/pem.h"
#include "issue/x509_file.h"
#include "profiles/catalog.h"
#include "profiles/lint.h"
#include "tests/fuzz/fuzz_input.h"

#include <botan/base64.h>

#include <algorithm>
#include <cstdlib>

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const profiles::Catalog catalog;
    const fuzz::MemoryFile file(data, size);
    try {
        profiles::LintRequest req;
        req.inputs = {file.path()};
        (void)profiles::lint(req, catalog);
    } catch (const std::exception&) {
    }
    try {
        (void)pem::load_certificates(file.path());
    } catch (const std::exception&) {
    }
    (void)issue::detect_kind(std::vector<uint8_t>(data, data + size));
    // Property (pem.h): where the fast decoder and Botan's both decode, the bytes are equal.
    std::vector<uint8_t> out(size + 3);
    const std::string_view b64(reinterpret_cast<const char*>(data), size);
    if (const auto n = pem::decode_base64_fast(b64, out.data())) {
        try {
            const auto botan = Botan::base64_decode(b64.data(), b64.size(), true);
            if (botan.size() != *n || !std::equal(botan.begin(), botan.end(), out.begin())) std::abort();
        } catch (const std::exception&) {
        }
    }
    return 0;
}
