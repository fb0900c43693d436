// RFC 4514 subject parsing and printing.
#include "issue/subject.h"
#include "base/error.h"

#include <catch2/catch.hpp>

using pkitool::issue::Subject;

TEST_CASE("subject: RFC 4514 order is reversed into the DER sequence and printed back", "[subject]") {
    const auto s = Subject::parse("CN=MyOnpremVM,O=Example,C=US");
    const auto& info = s.dn().dn_info();
    REQUIRE(info.size() == 3);
    CHECK(info[0].first.to_string() == "2.5.4.6");  // C first in DER
    CHECK(info[2].first.to_string() == "2.5.4.3");  // CN last
    CHECK(s.to_string() == "CN=MyOnpremVM,O=Example,C=US");
    CHECK(s.common_name() == "MyOnpremVM");
}

TEST_CASE("subject: escaped commas, spaces around separators, case-insensitive types", "[subject]") {
    const auto s = Subject::parse("cn = Smith\\, John , o=Example");
    CHECK(s.common_name() == "Smith, John");
    CHECK(s.to_string() == "CN=Smith\\, John,O=Example");
    CHECK(Subject::parse("CN=a\\2Cb").common_name() == "a,b");  // hex pair escape
}

TEST_CASE("subject: bad input is a usage error naming the problem", "[subject]") {
    using pkitool::Error;
    CHECK_THROWS_WITH(Subject::parse("CN=x,bogus"), Catch::Contains("is not TYPE=value"));
    CHECK_THROWS_WITH(Subject::parse("XX=1"), Catch::Contains("unknown attribute type 'XX'"));
    CHECK_THROWS_WITH(Subject::parse("CN="), Catch::Contains("empty value"));
    CHECK_THROWS_WITH(Subject::parse("CN=a,C=USA"), Catch::Contains("two-letter"));
    CHECK_THROWS_WITH(Subject::parse("CN=a+O=b"), Catch::Contains("multi-valued"));
    try {
        Subject::parse("nonsense");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == pkitool::ExitCode::Usage);
    }
    CHECK(Subject::parse("").empty());
    CHECK(Subject::parse("   ").empty());
}

TEST_CASE("format_dn: every known attribute by its short name, others by dotted OID", "[subject]") {
    const std::string all = "UID=h,DC=g,emailAddress=x@example.com,serialNumber=1,STREET=f,ST=e,L=d,C=US,OU=c,O=b,CN=a";
    CHECK(pkitool::issue::format_dn(Subject::parse(all).dn()) == all);
    Botan::X509_DN dn;
    dn.add_attribute(Botan::OID("1.2.3.4"), "v");
    dn.add_attribute(Botan::OID("2.5.4.3"), "name");
    CHECK(pkitool::issue::format_dn(dn) == "CN=name,1.2.3.4=v");
}

TEST_CASE("subject: names without limits are refused (issue #8, defect 7)", "[subject]") {
    CHECK_THROWS_WITH(Subject::parse("CN=" + std::string(65, 'a')), Catch::Contains("CN is 65 characters long; RFC 5280 allows at most 64"));
    CHECK(Subject::parse("CN=" + std::string(64, 'a')).common_name().size() == 64);
    // Characters, not bytes: 64 two-byte characters fit.
    std::string wide;
    for (int i = 0; i < 64; ++i) wide += "\xC3\xA9";
    CHECK(Subject::parse("CN=" + wide).common_name() == wide);
    CHECK_THROWS_WITH(Subject::parse(std::string("CN=a\0b", 6)), Catch::Contains("control character 0x00"));
    CHECK_THROWS_WITH(Subject::parse("CN=a\\00b"), Catch::Contains("control character 0x00"));
    CHECK_THROWS_WITH(Subject::parse("CN=a\\zz"), Catch::Contains("invalid escape \\z"));
    CHECK_THROWS_WITH(Subject::parse("CN=\xff\xfe"), Catch::Contains("not valid UTF-8"));
    CHECK_THROWS_WITH(Subject::parse("CN=a\\C0\\80b"), Catch::Contains("not valid UTF-8"));   // an overlong NUL
    CHECK_THROWS_WITH(Subject::parse("CN=a\\ED\\A0\\80b"), Catch::Contains("not valid UTF-8"));  // a surrogate
    CHECK_THROWS_WITH(Subject::parse("CN=a\\C2\\85b"), Catch::Contains("control character 0x85"));  // C1 NEL
    CHECK(Subject::parse("CN=a\\,b").common_name() == "a,b");
    // Names from elsewhere (a CSR, a certificate) are asked, not parsed.
    Botan::X509_DN dn;
    dn.add_attribute(Botan::OID("2.5.4.3"), std::string(10000, 'x'));
    CHECK(Subject::from(dn).problem() == std::optional<std::string>("CN is 10000 characters long; RFC 5280 allows at most 64"));
    CHECK_FALSE(Subject::parse("CN=vm,O=Example").problem());
}

TEST_CASE("subject: an escaped trailing space survives the round trip (found by fuzzing)", "[subject]") {
    const auto s = Subject::parse("CN=a\\20");
    CHECK(s.common_name() == "a ");
    CHECK(s.to_string() == "CN=a\\ ");
    CHECK(Subject::parse(s.to_string()).common_name() == "a ");
    CHECK(Subject::parse("CN=a\\\\ ").common_name() == "a\\");  // an escaped backslash, then a space that is trimmed
}
