// Fuzz target: a CRL in DER or PEM, as `show`, `lint --crl` and the emulator's anchors read it.
#include "issue/inspect.h"
#include "profiles/path_engine.h"

#include <botan/data_src.h>
#include <botan/x509_crl.h>

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        Botan::DataSource_Memory src(data, size);
        const Botan::X509_CRL crl(src);
        (void)issue::describe(crl).dump();
        const profiles::TrustAnchors anchors({}, {crl});
        profiles::PathEngine engine(anchors, {}, profiles::Clock::now());
        (void)engine.check_crls();
    } catch (const std::exception&) {
    }
    return 0;
}
