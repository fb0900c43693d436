// What every pkitool process loads: neither OpenSSL nor libcurl (loaded on the first CreateSession),
// which cost two thirds of a short command's instructions; the loopback server is pkitool's own.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

using namespace pkitool::test;

TEST_CASE("start-up: pkitool maps neither OpenSSL nor libcurl, servers included", "[cli][startup]") {
    TempDir t;
    const auto libs = shell(std::string("ldd '") + PKITOOL_BINARY + "'", t.path());
    REQUIRE(libs.code == 0);
    CHECK_THAT(libs.out, !Catch::Contains("libssl") && !Catch::Contains("libcrypto") && !Catch::Contains("libcurl") &&
                             !Catch::Contains("httplib"));
    const auto help = run("emulate --help", t.path());
    CHECK(help.code == 0);
    CHECK_THAT(help.out, Catch::Contains("--anchor") && Catch::Contains("Examples:"));
    const auto bad = run("exchange serve --port 0", t.path());
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--certificate is required"));
}
