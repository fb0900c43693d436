// Fuzz target: URL query strings in both readings of '+', and their SigV4 canonical form.
#include "exchange/sigv4.h"
#include "exchange/url_query.h"

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (auto plus : {exchange::PlusMeans::Plus, exchange::PlusMeans::Space}) {
        const auto params = exchange::parse_url_query(text, plus);
        (void)exchange::canonical_query(params);
    }
    (void)exchange::uri_encode(text);
    return 0;
}
