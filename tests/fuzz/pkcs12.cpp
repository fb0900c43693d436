// Fuzz target: a PKCS#12 file as `show`, `key show` and the exchange read it, with no password and
// with one. The file chooses its KDF iteration counts, so the cap is lowered to keep each input
// fast; the caps themselves are what a hostile file meets (issue/pkcs12.h Pkcs12Limits).
#include "issue/inspect.h"
#include "issue/pkcs12.h"

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> input(data, size);
    issue::Pkcs12Limits limits;
    limits.max_iterations = 2048;
    limits.max_bags = 64;
    (void)issue::Pkcs12::detect(input);
    for (const issue::Passphrase& password : {issue::Passphrase(), issue::Passphrase("fuzz")}) {
        try {
            const auto p12 = issue::Pkcs12::parse(input, "fuzz.p12", password, limits);
            (void)issue::describe(p12).dump();
        } catch (const std::exception&) {
        }
    }
    return 0;
}
