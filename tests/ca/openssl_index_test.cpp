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
    bad("R\t270101000000Z\t261130120000Z,holdInstruction\t1001\tunknown\t/CN=a", "holdInstruction without its instruction code");
    bad("R\t270101000000Z\t261130120000Z,holdInstruction,holdInstructionMaybe\t1001\tunknown\t/CN=a", "hold instruction 'holdInstructionMaybe'");
    bad("R\t270101000000Z\t261130120000Z,holdInstruction,7.1\t1001\tunknown\t/CN=a", "hold instruction '7.1'");
    bad("R\t270101000000Z\t261130120000Z,sometimes\t1001\tunknown\t/CN=a", "unknown revocation reason 'sometimes'");
    bad("V\t270101000000Z\t\t101\tunknown\t/CN=a", "serial '101'");
    bad("V\t270101000000Z\t\t1001\tunknown", "5 TAB-separated fields");
    bad("V\t270101000000Z\t261130120000Z\t1001\tunknown\t/CN=a", "a revocation field on a certificate with status V");
}

// The forms `openssl ca -revoke` writes for holds (checked against OpenSSL 3.0's output): -crl_hold
// with a name or an OID, -crl_reason certificateHold, and -crl_reason removeFromCRL (a release).
TEST_CASE("openssl index: holds keep their instruction, removeFromCRL releases", "[ca][import]") {
    const std::string text =
        "R\t271201193818Z\t261201193818Z,holdInstruction,holdInstructionReject\t1001\tunknown\t/CN=a\n"
        "R\t271201193818Z\t261201193818Z,certificateHold\t1002\tunknown\t/CN=b\n"
        "R\t271201193818Z\t261201193818Z,removeFromCRL\t1003\tunknown\t/CN=c\n"
        "R\t271201193818Z\t261201193818Z,holdInstruction,1.2.840.10040.2.2\t1004\tunknown\t/CN=d\n"
        "R\t271201193818Z\t261201193818Z,holdInstruction,Hold Instruction None\t1005\tunknown\t/CN=e\n";
    const auto e = ca::parse_openssl_index(text, "index.txt");
    REQUIRE(e.size() == 5);
    CHECK(e[0].revocation->reason == db::Reason::CertificateHold);
    CHECK(e[0].revocation->hold_instruction == "1.2.840.10040.2.3");
    CHECK(e[1].revocation->reason == db::Reason::CertificateHold);
    CHECK_FALSE(e[1].revocation->hold_instruction);
    CHECK_FALSE(e[2].revocation);
    CHECK(e[2].released);
    CHECK(e[3].revocation->hold_instruction == "1.2.840.10040.2.2");
    CHECK(e[4].revocation->hold_instruction == "1.2.840.10040.2.1");
    CHECK_FALSE(e[0].released);
}

TEST_CASE("openssl index: the one-line subject in RFC 4514 form", "[ca][import]") {
    CHECK(ca::subject_from_oneline("/CN=vm-01") == "CN=vm-01");
    CHECK(ca::subject_from_oneline("/C=US/O=Example/CN=vm-01") == "CN=vm-01,O=Example,C=US");
    // openssl leaves a '/' in a value as it is: only '/TYPE=' starts an attribute.
    CHECK(ca::subject_from_oneline("/O=A/B Corp/CN=x") == "CN=x,O=A/B Corp");
    // RFC 4514 escapes; X509_NAME_oneline's \xHH bytes (UTF-8 here) decoded.
    CHECK(ca::subject_from_oneline("/O=Smith, Jones/CN=#1") == "CN=\\#1,O=Smith\\, Jones");
    CHECK(ca::subject_from_oneline("/CN=J\\xC3\\xBCrgen") == "CN=J\xc3\xbcrgen");
    CHECK(ca::subject_from_oneline("CN=no-slash") == "");
    const auto e = ca::parse_openssl_index("V\t270101000000Z\t\t1000\tunknown\t/O=Example/CN=Root\n", "index.txt");
    CHECK(e.at(0).subject == "CN=Root,O=Example");
}
