// IMDSv2 token issue and check.
#include "exchange/client/imds_tokens.h"

#include "issue/random.h"

#include <botan/hex.h>
#include <botan/mem_ops.h>

#include <algorithm>
#include <cctype>

namespace pkitool::exchange {

std::optional<long> ImdsTokens::parse_ttl(const std::optional<std::string>& header) {
    if (!header) return std::nullopt;
    const auto& s = *header;
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    const long v = std::stol(s);
    if (v < 1 || v > kMaxTtl) return std::nullopt;
    return v;
}

std::string ImdsTokens::issue(long ttl_seconds, Clock::time_point now) {
    std::vector<uint8_t> bytes(32);
    issue::rng().randomize(bytes.data(), bytes.size());
    std::string token = Botan::hex_encode(bytes, false);
    std::lock_guard<std::mutex> lock(mutex_);
    live_.erase(std::remove_if(live_.begin(), live_.end(), [&](const Entry& e) { return e.expires <= now; }), live_.end());
    if (live_.size() >= kMaxLive) live_.erase(live_.begin());  // the oldest goes first
    live_.push_back({token, now + std::chrono::seconds(ttl_seconds)});
    return token;
}

bool ImdsTokens::valid(const std::string& token, Clock::time_point now) {
    std::lock_guard<std::mutex> lock(mutex_);
    bool ok = false;
    // Every live token is compared, in constant time each, and the loop never exits early.
    for (const auto& e : live_) {
        const bool same = e.token.size() == token.size() &&
                          Botan::constant_time_compare(reinterpret_cast<const uint8_t*>(e.token.data()),
                                                       reinterpret_cast<const uint8_t*>(token.data()), token.size());
        ok |= same && e.expires > now;
    }
    return ok;
}

}  // namespace pkitool::exchange
