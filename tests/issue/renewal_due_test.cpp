// The renewal decision: thresholds as written, the exact 2/3 boundary, windows as -checkend
// judges them, expiry at notAfter (RFC 5280 §4.1.2.5: notAfter itself is still valid).
#include "issue/renewal_due.h"
#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool;
using namespace std::chrono;
using issue::RenewalReason;
using issue::RenewalThreshold;

namespace {

issue::RenewalTime at(long s) { return issue::RenewalTime(seconds(s)); }

}  // namespace

TEST_CASE("renewal: thresholds are a share of the lifetime or a time left, as written", "[issue][renewal]") {
    CHECK(RenewalThreshold::standard().is_share());
    CHECK(RenewalThreshold::standard().to_string() == "2/3 of the lifetime");
    CHECK(RenewalThreshold::standard().percent() == Approx(66.667).margin(0.001));
    CHECK(RenewalThreshold::parse("66%").percent() == Approx(66.0));
    CHECK(RenewalThreshold::parse("66.5%").percent() == Approx(66.5));
    CHECK(RenewalThreshold::parse("66.25%").percent() == Approx(66.25));
    CHECK(RenewalThreshold::parse("100%").percent() == Approx(100.0));
    CHECK(RenewalThreshold::parse("30d").to_string() == "30d");
    CHECK_FALSE(RenewalThreshold::parse("30d").is_share());
    for (const std::string t : {"0s", "90m", "12h", "2w", "3600s"}) CHECK_NOTHROW(RenewalThreshold::parse(t));
    for (const std::string bad : {"", "%", "0%", "0.00%", "100.01%", "150%", "-5%", "66.555%", "6 6%", "abc%", "1e2%", "30", "30x", "d", "-1d",
                                  "1.5d", "+3d", " 3d", "9999999999d", "30D"}) {
        INFO("'" << bad << "'");
        try {
            RenewalThreshold::parse(bad);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::Usage);
            REQUIRE(e.input());
            CHECK(e.input()->name == "expires_in");
        }
    }
}

TEST_CASE("renewal: 2/3 of the lifetime is exact, whole seconds, no rounding", "[issue][renewal]") {
    const auto t = RenewalThreshold::standard();
    // A lifetime of 300 s: due from 200 s on.
    auto v = issue::renewal_due(at(1000), at(1300), at(1199), t);
    CHECK_FALSE(v.due);
    CHECK(v.reason == RenewalReason::NotDue);
    CHECK(v.lifetime_used_percent == Approx(199.0 / 3));
    CHECK(v.remaining == seconds(101));
    v = issue::renewal_due(at(1000), at(1300), at(1200), t);
    CHECK(v.due);
    CHECK(v.reason == RenewalReason::LifetimeUsed);
    // 66% is not 2/3: due one second earlier on a 100 s lifetime.
    CHECK(issue::renewal_due(at(0), at(100), at(66), RenewalThreshold::parse("66%")).due);
    CHECK_FALSE(issue::renewal_due(at(0), at(100), at(66), t).due);
    CHECK_FALSE(issue::renewal_due(at(0), at(10000), at(6649), RenewalThreshold::parse("66.5%")).due);
    CHECK(issue::renewal_due(at(0), at(10000), at(6650), RenewalThreshold::parse("66.5%")).due);
}

TEST_CASE("renewal: a window is due when notAfter <= now + window, and expiry wins over the threshold", "[issue][renewal]") {
    const auto month = RenewalThreshold::parse("30d");
    const long d = 86400;
    CHECK(issue::renewal_due(at(0), at(100 * d), at(70 * d), month).due);
    CHECK(issue::renewal_due(at(0), at(100 * d), at(70 * d), month).reason == RenewalReason::ExpiresWithin);
    CHECK_FALSE(issue::renewal_due(at(0), at(100 * d), at(70 * d - 1), month).due);
    // notAfter itself is still valid: due by the window or the share, not expired.
    const auto zero = RenewalThreshold::parse("0s");
    CHECK(issue::renewal_due(at(0), at(100), at(100), zero).reason == RenewalReason::ExpiresWithin);
    CHECK_FALSE(issue::renewal_due(at(0), at(100), at(99), zero).due);
    const auto expired = issue::renewal_due(at(0), at(100), at(101), zero);
    CHECK(expired.due);
    CHECK(expired.reason == RenewalReason::Expired);
    CHECK(expired.remaining == seconds(-1));
    CHECK(expired.lifetime_used_percent == Approx(101.0));
    CHECK(issue::renewal_due(at(0), at(100), at(101), RenewalThreshold::parse("100%")).reason == RenewalReason::Expired);
}

TEST_CASE("renewal: before notBefore nothing is used, and a zero lifetime is used up at once", "[issue][renewal]") {
    const auto t = RenewalThreshold::standard();
    const auto early = issue::renewal_due(at(1000), at(2000), at(500), t);
    CHECK_FALSE(early.due);
    CHECK(early.lifetime_used_percent == 0);
    CHECK(issue::renewal_due(at(1000), at(1000), at(1000), t).due);
    CHECK(issue::renewal_due(at(1000), at(1000), at(1000), t).lifetime_used_percent == 100);
    CHECK_FALSE(issue::renewal_due(at(1000), at(1000), at(999), t).due);
    // Dates far apart do not overflow: 1950 to 9999 with the share in hundredths of a percent.
    CHECK_FALSE(issue::renewal_due(at(-631152000), at(253402300799), at(1700000000), RenewalThreshold::parse("99.99%")).due);
}

TEST_CASE("renewal: reasons have stable names (the JSON of needs-renewal)", "[issue][renewal]") {
    CHECK(issue::to_string(RenewalReason::Expired) == "expired");
    CHECK(issue::to_string(RenewalReason::LifetimeUsed) == "lifetime-used");
    CHECK(issue::to_string(RenewalReason::ExpiresWithin) == "expires-within");
    CHECK(issue::to_string(RenewalReason::NotDue) == "not-due");
}
