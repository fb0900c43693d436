// The renewal decision: a share of the lifetime used or a window before notAfter, and expiry.
#include "issue/renewal_due.h"

#include "base/duration.h"
#include "base/error.h"

#include <algorithm>
#include <cctype>

namespace pkitool::issue {

namespace {

Error bad_threshold(const std::string& text, const std::string& problem) {
    return usage_error(Error::Input{"expires_in", "'" + text + "'"}, problem,
                       "give a share of the lifetime used, like 66%, or a time left before expiry, like 30d, 12h or 90m");
}

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

RenewalThreshold RenewalThreshold::standard() { return RenewalThreshold(2, 3, -1, "2/3 of the lifetime"); }

RenewalThreshold RenewalThreshold::parse(const std::string& text) {
    if (!text.empty() && text.back() == '%') {
        // In hundredths of a percent, so that the comparison stays in whole numbers.
        const std::string number = text.substr(0, text.size() - 1);
        const auto dot = number.find('.');
        const std::string whole = number.substr(0, dot);
        const std::string fraction = dot == std::string::npos ? "" : number.substr(dot + 1);
        if (!all_digits(whole) || whole.size() > 3 || (dot != std::string::npos && (!all_digits(fraction) || fraction.size() > 2)))
            throw bad_threshold(text, "expected a percentage of the lifetime used, like 66% or 66.5%");
        const int64_t hundredths = std::stoll(whole) * 100 + (fraction.empty() ? 0 : std::stoll(fraction) * (fraction.size() == 1 ? 10 : 1));
        // 0% would make every certificate due the moment it is issued: a renewal loop.
        if (hundredths <= 0 || hundredths > 10000) throw bad_threshold(text, "the share of the lifetime must be above 0% and at most 100%");
        return RenewalThreshold(hundredths, 10000, -1, text);
    }
    const auto window = parse_duration(text);
    if (!window) throw bad_threshold(text, "expected a time left with a unit (s, m, h, d or w), like 30d, or a percentage like 66%");
    return RenewalThreshold(0, 1, window->count(), text);
}

std::string RenewalThreshold::to_string() const { return text_; }

double RenewalThreshold::percent() const { return is_share() ? 100.0 * static_cast<double>(numerator_) / static_cast<double>(denominator_) : 0.0; }

bool RenewalThreshold::reached(RenewalTime not_before, RenewalTime not_after, RenewalTime now) const {
    if (!is_share()) return not_after <= now + std::chrono::seconds(window_);
    const int64_t lifetime = (not_after - not_before).count();
    const int64_t used = (now - not_before).count();
    return used * denominator_ >= lifetime * numerator_;
}

std::string to_string(RenewalReason r) {
    switch (r) {
        case RenewalReason::Expired: return "expired";
        case RenewalReason::LifetimeUsed: return "lifetime-used";
        case RenewalReason::ExpiresWithin: return "expires-within";
        case RenewalReason::NotDue: return "not-due";
    }
    return "not-due";
}

RenewalVerdict renewal_due(RenewalTime not_before, RenewalTime not_after, RenewalTime now, const RenewalThreshold& threshold) {
    RenewalVerdict v;
    v.remaining = not_after - now;
    const auto lifetime = (not_after - not_before).count();
    const auto used = (now - not_before).count();
    if (lifetime > 0) v.lifetime_used_percent = static_cast<double>(std::max<int64_t>(used, 0)) * 100.0 / static_cast<double>(lifetime);
    else v.lifetime_used_percent = used >= 0 ? 100.0 : 0.0;
    if (now > not_after) {
        v.due = true;
        v.reason = RenewalReason::Expired;
    } else if (threshold.reached(not_before, not_after, now)) {
        v.due = true;
        v.reason = threshold.is_share() ? RenewalReason::LifetimeUsed : RenewalReason::ExpiresWithin;
    }
    return v;
}

}  // namespace pkitool::issue
