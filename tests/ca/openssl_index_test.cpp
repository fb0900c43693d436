// index.txt as openssl writes it (shared format notes: openssl-ca(1), apps/ca.c): every date and
// revocation form, and a precise error for each malformed line.
#include "ca/openssl_index.h"

#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool;

TEST_CASE("openssl index: statuses, both date forms, every revocation form", "[ca][import]") {
    const std::string text =
        "V\t270101000000Z\t\t1000\tunknown\t/CN=Root\n"
        "R\t270101000000Z\t261130120000Z,keyCompromise\t1001\tunknown\t/CN=a\n"
        "R\t20510101000000Z\t261130120000Z\t1002\tunknown\t/CN=b\n"
        "R\t270101000000Z\t261130120000Z,keyTime,20261129000000Z\t1003\tunknown\t/CN=c\n"
        "R\t270101000000Z\t261130120000Z,CAkeyTime,20261129000000Z\t1004\tunknown\t/CN=d\n"
        "E\t200101000000Z\t\t05\tunknown\t/CN=old\r\n";
    const auto e = ca::parse_openssl_index(text, "index.txt");
    REQUIRE(e.size() == 6);
    CHECK(e[0].status == 'V');
    CHECK_FALSE(e[0].revocation);
    CHECK(e[1].revocation->reason == db::Reason::KeyCompromise);
    CHECK(e[1].revocation->at == std::chrono::sys_days(std::chrono::year(2026) / 11 / 30) + std::chrono::hours(12));
    CHECK(e[2].expiry == std::chrono::sys_days(std::chrono::year(2051) / 1 / 1));  // GeneralizedTime from 2050 on
    CHECK(e[2].revocation->reason == db::Reason::Unspecified);
    CHECK(e[3].revocation->reason == db::Reason::KeyCompromise);
    CHECK(e[4].revocation->reason == db::Reason::CaCompromise);
    CHECK(e[5].serial.hex() == "05");
}

TEST_CASE("openssl index: malformed lines are named", "[ca][import]") {
    const auto bad = [](const std::string& line, const std::string& needle) {
        CHECK_THROWS_WITH(ca::parse_openssl_index("V\t270101000000Z\t\t1000\tunknown\t/CN=Root\n" + line, "index.txt"),
                          Catch::Contains("index.txt:2: ") && Catch::Contains(needle));
    };
    bad("X\t270101000000Z\t\t1001\tunknown\t/CN=a", "status 'X'");
    bad("V\t2701010000Z\t\t1001\tunknown\t/CN=a", "expiry '2701010000Z'");
    bad("R\t270101000000Z\tyesterday\t1001\tunknown\t/CN=a", "revocation date 'yesterday'");
    bad("R\t270101000000Z\t261130120000Z,holdInstruction,holdInstructionReject\t1001\tunknown\t/CN=a", "on hold");
    bad("R\t270101000000Z\t261130120000Z,sometimes\t1001\tunknown\t/CN=a", "unknown revocation reason 'sometimes'");
    bad("V\t270101000000Z\t\t101\tunknown\t/CN=a", "serial '101'");
    bad("V\t270101000000Z\t\t1001\tunknown", "5 TAB-separated fields");
    bad("V\t270101000000Z\t261130120000Z\t1001\tunknown\t/CN=a", "a revocation field on a certificate with status V");
}
