// Fuzz target: the SigV4 Authorization header, X-Amz-Date and RFC 3339 expirations.
#include "exchange/client/credentials.h"
#include "exchange/sigv4.h"

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        (void)exchange::parse_authorization(text);
    } catch (const std::exception&) {
    }
    (void)exchange::parse_amz_date(text);
    try {
        (void)exchange::parse_rfc3339(text, "fuzz");
    } catch (const std::exception&) {
    }
    return 0;
}
