// The fleet CSV parser (RFC 4180): quoting, line endings, fields over several lines, and errors
// that name the line.
#include "ca/fleet.h"

#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool;

namespace {

const std::string kHeader = "name,subject,san,key_type,days,profile\n";

std::vector<ca::FleetRow> parse(const std::string& text) {
    static const profiles::Catalog catalog;
    return ca::parse_fleet(text, "fleet.csv", "rolesanywhere-client", catalog);
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("fleet csv: quotes, doubled quotes, CRLF and quoted newlines", "[fleet]") {
    const auto rows = parse(kHeader +
                            "vm-01,\"CN=vm-01,O=Example\",dns:a.example;ip:10.0.0.1,rsa:2048,30,\n"
                            "vm-02,\"CN=say \"\"hi\"\"\",,,,rolesanywhere-client\r\n"
                            "\r\n"
                            "vm-03,\"CN=vm-03,OU=\"\"ops\"\"\",\"dns:c.example;dns:d.example\",,,\n"
                            "vm-04,CN=last,,,,");  // no newline at the end
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].line == 2);
    CHECK(rows[0].name == "vm-01");
    CHECK(rows[0].subject.to_string() == "CN=vm-01,O=Example");
    CHECK(rows[0].sans.entries().size() == 2);
    CHECK(rows[0].key_type.name() == "rsa:2048");
    CHECK(rows[0].days == 30u);
    CHECK(rows[0].profile.name == "rolesanywhere-client");
    CHECK(rows[1].line == 3);
    CHECK(rows[1].subject.common_name() == "say \"hi\"");
    CHECK_FALSE(rows[1].days);
    CHECK(rows[1].key_type == issue::KeyType::default_type());
    // A blank line is skipped and counted.
    CHECK(rows[2].line == 5);
    CHECK(rows[2].sans.entries().size() == 2);
    CHECK(rows[3].line == 6);
    CHECK(rows[3].name == "vm-04");
}

TEST_CASE("fleet csv: every error names the file and the line", "[fleet]") {
    CHECK(error_of("") == "fleet.csv: empty; expected a header row: name,subject,san,key_type,days,profile");
    CHECK(error_of("name,subject\n") == "fleet.csv:1: header must be exactly: name,subject,san,key_type,days,profile");
    CHECK(error_of(kHeader) == "fleet.csv: no rows after the header");
    CHECK(error_of(kHeader + "vm-01,CN=a,,\n") == "fleet.csv:2: 4 fields, expected 6");
    CHECK_THAT(error_of(kHeader + "vm-01,CN=a,,,,\r\n\r\nvm-02,CN=b,,ec:p999,,\r\n"), Catch::StartsWith("fleet.csv:4: unknown key type 'ec:p999'"));
    // A quoted newline stays in its field (and a subject refuses it), named by the record's first line.
    CHECK_THAT(error_of(kHeader + "vm-01,CN=a,,,,\nvm-02,\"CN=b\nc\",,,,\n"), Catch::StartsWith("fleet.csv:3: subject \"CN=b\\0Ac\": CN holds the control character 0x0A"));
    CHECK(error_of(kHeader + "vm-01,CN=a,,,,\nvm-02,\"CN=b,,,,\n") == "fleet.csv:3: unterminated quoted field");
    CHECK(error_of(kHeader + "vm-01,CN=a,,,,\nvm-01,CN=b,,,,\n") == "fleet.csv:3: name 'vm-01' appears twice");
    CHECK_THAT(error_of(kHeader + "../x,CN=a,,,,\n"), Catch::StartsWith("fleet.csv:2: name '../x' must be"));
    CHECK(error_of(kHeader + "vm-01,CN=a,,,0,\n") == "fleet.csv:2: days '0' is not a positive number");
    CHECK(error_of(kHeader + "vm-01,CN=a,,,12x,\n") == "fleet.csv:2: days '12x' is not a positive number");
    CHECK_THAT(error_of(kHeader + "vm-01,CN=a,,,,nope\n"), Catch::StartsWith("fleet.csv:2: unknown profile 'nope'"));
    // Profiles come from the catalog the caller passes: a user profile is found there.
    const auto user = profiles::Catalog::parse(R"({"profiles": [{"name": "short", "max_days": 7, "default_days": 7}]})", "mine.json");
    CHECK(ca::parse_fleet(kHeader + "vm-01,CN=a,,,,short\n", "fleet.csv", "rolesanywhere-client", user)[0].profile.max_days == 7);
    CHECK(ca::parse_fleet(kHeader + "vm-01,CN=a,,,,\n", "fleet.csv", "short", user)[0].profile.name == "short");
}
