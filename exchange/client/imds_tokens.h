// IMDSv2 session tokens for `exchange serve` (AWS docs, "Use the Instance Metadata Service to access instance metadata"): random, with a TTL of 1..21600 s,
// compared in constant time so response timing does not leak a live token.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::exchange {

class ImdsTokens {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr long kMaxTtl = 21600;
    static constexpr size_t kMaxLive = 4096;  // bounds memory against a client minting tokens in a loop

    // The TTL header's value: nullopt (→ refuse with 400) unless a whole number in 1..21600.
    // EC2 refuses a token request without the header, or with an empty value, with 400.
    static std::optional<long> parse_ttl(const std::optional<std::string>& header);

    std::string issue(long ttl_seconds, Clock::time_point now);
    bool valid(const std::string& token, Clock::time_point now);

private:
    struct Entry {
        std::string token;
        Clock::time_point expires;
    };
    std::mutex mutex_;
    std::vector<Entry> live_;
};

}  // namespace pkitool::exchange
