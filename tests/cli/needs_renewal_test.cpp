// needs-renewal: the exit status is the verdict (0 due, 1 not yet, 2 usage or unreadable), on
// certificates made with chosen dates by Python's cryptography (tests/support/dated_cert.py);
// `openssl x509 -checkend` is the oracle for a time left.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

using namespace pkitool::test;
using nlohmann::json;

namespace {

constexpr long kDay = 86400;

// OUT valid from now+BEFORE to now+AFTER (seconds).
void dated(const TempDir& t, const std::string& out, long before, long after, const std::string& extra = "") {
    const auto r = shell("/usr/bin/python3 '" PKITOOL_SOURCE_DIR "/tests/support/dated_cert.py' " + out + " " + std::to_string(before) + " " +
                             std::to_string(after) + " " + extra,
                         t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
}

// fresh: 1% of a year used; aged: 70 of 100 days used; expired: a day ago; soon: 2 hours left of 2 days.
struct Certs {
    TempDir t;
    Certs() {
        dated(t, "fresh.crt", -3 * kDay, 362 * kDay);
        dated(t, "aged.crt", -70 * kDay, 30 * kDay);
        dated(t, "expired.crt", -30 * kDay, -kDay);
        dated(t, "soon.crt", -46 * 3600, 2 * 3600);
    }
};

Result check(const Certs& c, const std::string& args) { return run("needs-renewal " + args, c.t.path()); }

}  // namespace

TEST_CASE("needs-renewal: fresh is not due, 2/3-aged and expired are, by default", "[cli][renewal]") {
    Certs c;
    auto r = check(c, "fresh.crt");
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Catch::StartsWith("fresh.crt: not due: "));
    r = check(c, "aged.crt");
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("aged.crt: due: 70.0% of its lifetime used (due at 2/3 of the lifetime)"));
    r = check(c, "expired.crt");
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("expired.crt: due: expired on "));
    // One due certificate among several is enough; none due is 1.
    CHECK(check(c, "fresh.crt aged.crt").code == 0);
    CHECK(check(c, "fresh.crt fresh.crt").code == 1);
    CHECK(r.err.empty());
}

TEST_CASE("needs-renewal: --expires-in as a share of the lifetime or a time left", "[cli][renewal]") {
    Certs c;
    CHECK(check(c, "aged.crt --expires-in 66%").code == 0);
    CHECK(check(c, "aged.crt --expires-in 69.5%").code == 0);
    CHECK(check(c, "aged.crt --expires-in 75%").code == 1);
    CHECK(check(c, "aged.crt --expires-in 31d").code == 0);
    CHECK(check(c, "aged.crt --expires-in 29d").code == 1);
    CHECK(check(c, "fresh.crt --expires-in 1%").code == 1);   // 0.8% used
    CHECK(check(c, "fresh.crt --expires-in 52w").code == 0);  // 362 days left
    CHECK(check(c, "soon.crt --expires-in 3h").code == 0);
    CHECK(check(c, "soon.crt --expires-in 90m").code == 1);
    // 0s: due only once expired, whatever share is used.
    CHECK(check(c, "expired.crt --expires-in 0s").code == 0);
    CHECK(check(c, "soon.crt --expires-in 0s").code == 1);
    CHECK(check(c, "expired.crt --expires-in 100%").code == 0);
}

TEST_CASE("needs-renewal: bad thresholds and unreadable files exit 2, naming what is wrong", "[cli][renewal]") {
    Certs c;
    for (const std::string bad : {"150%", "0%", "-5%", "66.555%", "%", "abc", "30", "30x", "-1d", "1.5d", "9999999999d", "''"}) {
        const auto r = check(c, "aged.crt --expires-in " + bad);
        INFO(bad << " -> " << r.err);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: --expires-in "));
        CHECK(r.out.empty());
    }
    REQUIRE(shell("echo 'not a certificate' > junk.crt && mkdir dir.crt && openssl ecparam -name prime256v1 -genkey -noout -out k.pem", c.t.path()).code == 0);
    for (const std::string& bad : {std::string("missing.crt"), std::string("junk.crt"), std::string("dir.crt"), std::string("k.pem")}) {
        // Even next to a due certificate: "could not tell" must not read as "due" or "not due".
        const auto r = check(c, "expired.crt " + bad);
        INFO(bad << " -> " << r.err);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: "));
        CHECK_THAT(r.err, Catch::Contains(bad));
        CHECK(r.out.empty());
    }
    if (::geteuid() != 0) {  // root reads a mode-000 file anyway
        REQUIRE(shell("cp aged.crt locked.crt && chmod 000 locked.crt", c.t.path()).code == 0);
        CHECK(check(c, "locked.crt").code == 2);
    }
    CHECK(check(c, "- - < aged.crt").code == 2);  // standard input can be read once
    const auto help = check(c, "--help");
    CHECK_THAT(help.out, Catch::Contains("2 for usage errors and for a file that cannot be read as a certificate"));
}

TEST_CASE("needs-renewal: standard input, DER, and --json with one object per certificate", "[cli][renewal]") {
    Certs c;
    dated(c.t, "aged.der", -70 * kDay, 30 * kDay, "--der");
    CHECK(shell("'" PKITOOL_BINARY "' needs-renewal - < aged.crt", c.t.path()).code == 0);
    CHECK(check(c, "aged.der").code == 0);
    const auto r = check(c, "--json fresh.crt aged.crt expired.crt --expires-in 66%");
    REQUIRE(r.code == 0);
    const auto j = json::parse(r.out);
    REQUIRE(j["certificates"].size() == 3);
    CHECK(j["due"] == true);
    CHECK(j["threshold"] == "66%");
    const auto& fresh = j["certificates"][0];
    CHECK(fresh["file"] == "fresh.crt");
    CHECK(fresh["due"] == false);
    CHECK(fresh["reason"] == "not-due");
    CHECK(fresh["serial"] == openssl_serial("fresh.crt", c.t));
    const auto& aged = j["certificates"][1];
    CHECK(aged["due"] == true);
    CHECK(aged["reason"] == "lifetime-used");
    CHECK(aged["lifetime_used_percent"].get<double>() == Approx(70.0).margin(0.1));
    CHECK(aged["not_after"].get<std::string>().size() == 20);  // RFC 3339, UTC
    const auto& expired = j["certificates"][2];
    CHECK(expired["reason"] == "expired");
    CHECK(expired["remaining_seconds"].get<long>() < -kDay + 60);
    const auto window = json::parse(check(c, "--json aged.crt --expires-in 31d").out);
    CHECK(window["certificates"][0]["reason"] == "expires-within");
    const auto none = check(c, "--json fresh.crt");
    CHECK(none.code == 1);
    CHECK(json::parse(none.out)["due"] == false);
}

TEST_CASE("needs-renewal: a time left agrees with openssl x509 -checkend", "[cli][renewal]") {
    Certs c;
    make_pki(c.t);  // ec.crt: a pkitool-issued leaf, valid for a year
    for (const std::string cert : {"fresh.crt", "aged.crt", "expired.crt", "soon.crt", "ec.crt"}) {
        for (const long seconds : {0L, 3 * 3600L, 29 * kDay, 31 * kDay, 400 * kDay}) {
            // -checkend N exits 1 when the certificate expires within N seconds: renewal is due.
            const auto oracle = shell("openssl x509 -noout -checkend " + std::to_string(seconds) + " -in " + cert, c.t.path());
            const auto ours = check(c, cert + " --expires-in " + std::to_string(seconds) + "s");
            INFO(cert << " within " << seconds << " s: openssl says " << oracle.out << ours.out);
            CHECK((ours.code == 0) == (oracle.code == 1));
            CHECK(ours.code != 2);
        }
    }
}
