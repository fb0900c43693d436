// Serial numbers and subject alternative names.
#include "issue/csr.h"
#include "issue/key.h"
#include "issue/san.h"
#include "issue/serial.h"
#include "issue/subject.h"

#include <catch2/catch.hpp>

#include <set>

using namespace pkitool::issue;

TEST_CASE("serial: random serials are positive, 128 bits, distinct", "[serial]") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto s = Serial::random();
        CHECK(s.value().bits() == 128);
        CHECK(s.hex().size() == 32);
        seen.insert(s.hex());
    }
    CHECK(seen.size() == 1000);
}

TEST_CASE("serial: parse accepts openssl's forms and round-trips", "[serial]") {
    CHECK(Serial::parse("0A1b").hex() == "0A1B");
    CHECK(Serial::parse("a1b").hex() == "0A1B");
    CHECK(Serial::parse("0x0A:1B").hex() == "0A1B");
    CHECK(Serial::parse("FF").decimal() == "255");
    CHECK_THROWS_WITH(Serial::parse("xyz"), Catch::Contains("not a hexadecimal number"));
    CHECK_THROWS(Serial::parse(""));
}

TEST_CASE("san: comma lists, repeated flags and every kind", "[san]") {
    const auto s = SubjectAltNames::parse({"dns:host.example,uri:spiffe://x/y,ip:10.0.0.1", "email:a@b.c"});
    REQUIRE(s.entries().size() == 4);
    CHECK(s.entries()[1] == SanEntry{SanEntry::Kind::URI, "spiffe://x/y"});
    CHECK(s.to_string() == "dns:host.example,uri:spiffe://x/y,ip:10.0.0.1,email:a@b.c");
    // Round trip through a CSR's DER keeps every entry, in order, IPv6 included.
    const auto with_v6 = SubjectAltNames::parse({"dns:host.example,ip:2001:DB8:0:0::1,uri:spiffe://x/y,ip:10.0.0.1,email:a@b.c"});
    CHECK(with_v6.entries()[1].value == "2001:db8::1");  // canonical form
    const auto key = PrivateKey::generate(KeyType::parse("ec:p256"));
    const auto csr = make_csr(key, Subject::parse("CN=x"), with_v6);
    CHECK(SubjectAltNames::of(csr, "x.csr").entries() == with_v6.entries());
}

TEST_CASE("san: bad entries are named", "[san]") {
    CHECK_THROWS_WITH(SubjectAltNames::parse({"host.example"}), Catch::Contains("no known type prefix"));
    CHECK_THROWS_WITH(SubjectAltNames::parse({"ip:999.1.1.1"}), Catch::Contains("not an IPv4 or IPv6 address"));
    CHECK(SubjectAltNames::parse({"ip:::1"}).entries()[0].value == "::1");
    CHECK_THROWS_WITH(SubjectAltNames::parse({"dns:-bad-.example"}), Catch::Contains("starts or ends with '-'"));
    CHECK_THROWS_WITH(SubjectAltNames::parse({"dns:a..b"}), Catch::Contains("empty label"));
    CHECK_THROWS_WITH(SubjectAltNames::parse({"dns:" + std::string(64, 'a') + ".example"}), Catch::Contains("longer than 63"));
    CHECK(SubjectAltNames::parse({"dns:*.fleet.example"}).entries().size() == 1);
    std::string many;
    for (size_t i = 0; i <= kMaxSans; ++i) many += (many.empty() ? "" : ",") + std::string("dns:h") + std::to_string(i) + ".example";
    CHECK_THROWS_WITH(SubjectAltNames::parse({many}), Catch::Contains("more than 256 names"));
    CHECK_THROWS_WITH(SubjectAltNames::parse({"email:nobody"}), Catch::Contains("not an email address"));
    CHECK_THROWS_WITH(SubjectAltNames::parse({"dns:"}), Catch::Contains("empty value"));
}
