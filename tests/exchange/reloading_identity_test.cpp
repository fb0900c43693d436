// ReloadingIdentity: files read again only when their stamps change, and a renewed pair adopted
// only when it can sign (the loader's key check, the certificate valid now).
#include "exchange/client/reloading_identity.h"
#include "issue/random.h"
#include "base/error.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <botan/x509self.h>

#include <fstream>

using namespace pkitool;
using exchange::Clock;
using pkitool::test::TempDir;

namespace {

exchange::SessionIdentity identity(const std::string& cn, Clock::time_point not_before, Clock::time_point not_after) {
    auto key = issue::PrivateKey::generate(issue::KeyType::default_type());
    Botan::X509_Cert_Options o(cn);
    o.start = Botan::X509_Time(not_before);
    o.end = Botan::X509_Time(not_after);
    auto cert = Botan::X509::create_self_signed_cert(o, key.botan(), "SHA-256", issue::rng());
    return {std::move(key), std::move(cert), {}, "vm.crt"};
}

std::string cn_of(const exchange::SessionIdentity& id) { return id.leaf.subject_dn().get_first_attribute("CN"); }

}  // namespace

TEST_CASE("reloading identity: unchanged files are not read again, a renewed valid pair is adopted", "[exchange][reloading]") {
    TempDir t;
    const auto file = t / "vm.crt";
    std::ofstream(file) << "one";
    const auto now = Clock::now();
    int loads = 0;
    std::string next = "first";
    std::vector<std::string> warnings;
    exchange::ReloadingIdentity r({file}, [&] { ++loads; return identity(next, now - std::chrono::hours(1), now + std::chrono::hours(1)); },
                                  [&](const std::string& w) { warnings.push_back(w); });
    CHECK(cn_of(r.current(now)) == "first");
    CHECK(cn_of(r.current(now)) == "first");
    CHECK(loads == 1);

    next = "renewed";
    std::ofstream(file) << "renewed, longer";
    CHECK(cn_of(r.current(now)) == "renewed");
    CHECK(loads == 2);
    CHECK(cn_of(r.current(now)) == "renewed");
    CHECK(loads == 2);
    CHECK(warnings.empty());
}

TEST_CASE("reloading identity: a pair that cannot sign keeps the previous one, with one warning per change", "[exchange][reloading]") {
    TempDir t;
    const auto file = t / "vm.crt";
    std::ofstream(file) << "one";
    const auto now = Clock::now();
    enum { Good, Mismatch, Expired } mode = Good;
    std::vector<std::string> warnings;
    exchange::ReloadingIdentity r(
        {file},
        [&] {
            if (mode == Mismatch) throw Error("vm.key: is not the key of vm.crt");
            if (mode == Expired) return identity("expired", now - std::chrono::hours(2), now - std::chrono::hours(1));
            return identity("good", now - std::chrono::hours(1), now + std::chrono::hours(1));
        },
        [&](const std::string& w) { warnings.push_back(w); });
    REQUIRE(cn_of(r.current(now)) == "good");

    mode = Mismatch;
    std::ofstream(file) << "a certificate without its key";
    CHECK(cn_of(r.current(now)) == "good");
    CHECK(cn_of(r.current(now)) == "good");
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::Contains("vm.key: is not the key of vm.crt; still signing with the previous certificate (serial "));

    mode = Expired;
    std::ofstream(file) << "an expired certificate";
    CHECK(cn_of(r.current(now)) == "good");
    REQUIRE(warnings.size() == 2);
    CHECK_THAT(warnings[1], Catch::Contains("vm.crt: the renewed certificate is expired on "));
}

TEST_CASE("reloading identity: the first load's error is thrown", "[exchange][reloading]") {
    TempDir t;
    exchange::ReloadingIdentity r({t / "missing.crt"}, []() -> exchange::SessionIdentity { throw Error("missing.crt: cannot read"); },
                                  [](const std::string&) {});
    CHECK_THROWS_WITH(r.current(Clock::now()), "missing.crt: cannot read");
}
