// Fuzz target: IMDSv2 token handling of `exchange serve`: the TTL header and token checks.
#include "exchange/client/imds_tokens.h"

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static exchange::ImdsTokens tokens;
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto now = exchange::ImdsTokens::Clock::now();
    const auto ttl = exchange::ImdsTokens::parse_ttl(text);
    const auto token = tokens.issue(ttl ? *ttl : 1, now);
    (void)tokens.valid(text, now);
    (void)tokens.valid(token + text, now);
    (void)tokens.valid(token, now + std::chrono::seconds(ttl ? *ttl + 1 : 2));
    return 0;
}
