// When a certificate is due for renewal: the one decision that needs-renewal makes, and that
// renewing the due certificates of an inventory or watching one host's will make too.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pkitool::issue {

using RenewalTime = std::chrono::sys_seconds;

// A share of the lifetime used (smallstep's `needs-renewal` and `ca renew --daemon` renew at 2/3),
// or a time left before notAfter (`openssl x509 -checkend`).
class RenewalThreshold {
public:
    // 2/3 of the lifetime used: the default.
    static RenewalThreshold standard();
    // "66%" or "66.5%" (above 0, at most 100, two decimals at most) or a time left: a whole number
    // with a unit, s, m, h, d or w ("30d", "12h"; "0s": only when expired). Usage Error naming
    // the input "expires_in" otherwise.
    static RenewalThreshold parse(const std::string& text);

    bool is_share() const { return window_ < 0; }
    // As the user would write it: "66%", "30d"; the standard one is "2/3 of the lifetime".
    std::string to_string() const;
    // Lifetime used, in percent, at which a certificate is due (66.67 for the standard one); 0
    // for a time left.
    double percent() const;
    // The time left at which a certificate is due; 0 for a share.
    std::chrono::seconds window() const { return std::chrono::seconds(window_ < 0 ? 0 : window_); }

    // Due at `now`? The share compares whole seconds exactly (no rounding of 2/3): used/lifetime
    // >= numerator/denominator. The window: notAfter <= now + window, as -checkend decides.
    bool reached(RenewalTime not_before, RenewalTime not_after, RenewalTime now) const;

private:
    RenewalThreshold(int64_t numerator, int64_t denominator, int64_t window, std::string text)
        : numerator_(numerator), denominator_(denominator), window_(window), text_(std::move(text)) {}
    int64_t numerator_ = 2, denominator_ = 3;  // the share of the lifetime
    int64_t window_ = -1;                      // seconds before notAfter; -1: a share
    std::string text_;
};

enum class RenewalReason {
    Expired,         // past notAfter (RFC 5280 §4.1.2.5: notAfter itself is still valid)
    LifetimeUsed,    // the share of the lifetime is used up
    ExpiresWithin,   // notAfter is within the window
    NotDue,
};
std::string to_string(RenewalReason r);  // "expired", "lifetime-used", "expires-within", "not-due"

struct RenewalVerdict {
    bool due = false;
    RenewalReason reason = RenewalReason::NotDue;
    double lifetime_used_percent = 0;  // 0 before notBefore, above 100 once expired
    std::chrono::seconds remaining{};  // notAfter - now; negative once expired
};

RenewalVerdict renewal_due(RenewalTime not_before, RenewalTime not_after, RenewalTime now, const RenewalThreshold& threshold);

}  // namespace pkitool::issue
