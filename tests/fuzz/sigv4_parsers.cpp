// Fuzz target: the SigV4 Authorization header, X-Amz-Date, RFC 3339 expirations and ARNs.
#include "base/error.h"
#include "exchange/arn.h"
#include "exchange/client/credentials.h"
#include "exchange/sigv4.h"

#include <cstdlib>

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
    try {
        // Every field is kept, so what parses prints back as it was written.
        if (exchange::Arn::parse(text).to_string() != text) std::abort();
    } catch (const Error&) {
    }
    return 0;
}
