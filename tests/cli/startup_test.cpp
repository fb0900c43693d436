// What every pkitool process loads: the HTTP server (cpp-httplib, and with it OpenSSL) and
// libcurl stay out of start-up; they cost two thirds of a short command's instructions.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

using namespace pkitool::test;

TEST_CASE("start-up: pkitool maps neither OpenSSL nor libcurl; the servers run in pkitool-server", "[cli][startup]") {
    TempDir t;
    const auto libs = shell(std::string("ldd '") + PKITOOL_BINARY + "'", t.path());
    REQUIRE(libs.code == 0);
    CHECK_THAT(libs.out, !Catch::Contains("libssl") && !Catch::Contains("libcrypto") && !Catch::Contains("libcurl") &&
                             !Catch::Contains("httplib"));
    // The launcher hands the whole command line over, --help included.
    const auto help = run("emulate --help", t.path());
    CHECK(help.code == 0);
    CHECK_THAT(help.out, Catch::Contains("--anchor") && Catch::Contains("Examples:"));
    // Usage errors come from pkitool-server's parser, with the usual exit code.
    const auto bad = run("exchange serve --port 0", t.path());
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--certificate is required"));
}
