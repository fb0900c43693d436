// Fuzz target: a PKCS#10 request in DER or PEM, as `issue --csr` and `show` read it: its subject's
// limits, its SANs (every GeneralName type), and its description.
#include "issue/inspect.h"
#include "issue/san.h"
#include "issue/subject.h"

#include <botan/data_src.h>
#include <botan/pkcs10.h>

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        Botan::DataSource_Memory src(data, size);
        const Botan::PKCS10_Request csr(src);
        (void)issue::Subject::from(csr.subject_dn()).problem();
        try {
            (void)issue::SubjectAltNames::of(csr, "fuzz.csr");
        } catch (const std::exception&) {
        }
        (void)issue::describe(csr).dump();
    } catch (const std::exception&) {
    }
    return 0;
}
