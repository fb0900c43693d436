// issue --batch: one key + certificate per CSV row, all recorded, all verifiable by openssl.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace pkitool::test;

TEST_CASE("batch: rows with defaults, quoted subjects, SANs, key types and days", "[cli][batch]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject CN=Root", t.path()).code == 0);
    fs::create_directory(t / "fleet");
    std::ofstream(t / "fleet.csv") << "name,subject,san,key_type,days,profile\n"
                                      "vm-01,\"CN=vm-01,O=Example\",dns:vm-01.example;ip:10.0.0.1,,,\n"
                                      "vm-02,CN=vm-02,,rsa:2048,30,rolesanywhere-client\n";
    const auto r = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["issued"].size() == 2);
    for (const auto* name : {"vm-01", "vm-02"}) {
        CHECK(mode_of(t / "fleet" / (std::string(name) + ".key")) == 0600);
        CHECK(shell(std::string("openssl verify -x509_strict -CAfile ca/ca.crt fleet/") + name + ".crt", t.path()).code == 0);
        CHECK(shell(std::string("openssl x509 -in fleet/") + name + ".crt -noout -pubkey", t.path()).out ==
              shell(std::string("openssl pkey -in fleet/") + name + ".key -pubout", t.path()).out);
    }
    const auto text1 = shell("openssl x509 -in fleet/vm-01.crt -noout -text", t.path()).out;
    CHECK_THAT(text1, Catch::Contains("DNS:vm-01.example, IP Address:10.0.0.1"));
    CHECK_THAT(text1, Catch::Contains("Subject: O = Example, CN = vm-01"));
    const auto text2 = shell("openssl x509 -in fleet/vm-02.crt -noout -text", t.path()).out;
    CHECK_THAT(text2, Catch::Contains("Public-Key: (2048 bit)"));
    CHECK(shell("openssl x509 -in fleet/vm-02.crt -noout -checkend 2678400", t.path()).code == 1);  // 31 days: expired by then
    CHECK(nlohmann::json::parse(run("db list --ca ca --json", t.path()).out)["count"] == 2);
}

TEST_CASE("batch: a bad row is reported by line and nothing is issued", "[cli][batch]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject CN=Root", t.path()).code == 0);
    fs::create_directory(t / "fleet");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"vm-01,CN=a,,,,\nvm-02,CN=b,,ec:p999,,\n", "fleet.csv:3: "},
        {"vm-01,CN=a,,,,\nvm-01,CN=b,,,,\n", "appears twice"},
        {"vm-01,\"CN=a,O=b\n", "unterminated quoted field"},
        {"../evil,CN=a,,,,\n", "must be letters, digits"},
        {"vm-01,CN=a,ip:300.1.1.1,,,\n", "not an IPv4 or IPv6 address"},
        {"vm-01,CN=a,,,0,\n", "days '0'"},
        {"vm-01,CN=a,,,,no-such-profile\n", "unknown profile"},
        {"vm-01,,,,,\n", "subject is empty"},
        {"vm-01,CN=a,,\n", "fields, expected 6"},
    };
    for (const auto& [rows, needle] : cases) {
        std::ofstream(t / "fleet.csv") << "name,subject,san,key_type,days,profile\n" << rows;
        const auto r = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes", t.path());
        INFO(rows << " -> " << r.err);
        CHECK(r.code != 0);
        CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: "));
        CHECK_THAT(r.err, Catch::Contains(needle));
    }
    std::ofstream(t / "fleet.csv") << "nom,subject\nvm-01,CN=a\n";
    CHECK_THAT(run("issue --ca ca --batch fleet.csv --out-dir fleet --yes", t.path()).err, Catch::Contains("fleet.csv:1: header must be"));
    CHECK(fs::is_empty(t / "fleet"));
    CHECK(nlohmann::json::parse(run("db list --ca ca --json", t.path()).out)["count"] == 0);
}

// Domains give data, the CLI gives words (issue #9): the same bad days or SAN is worded as the
// row's column when a fleet row has it, and as the flag when the command line does.
TEST_CASE("batch: a row is told about its column, the command line about its flag", "[cli][batch][wording]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject CN=Short --days 30", t.path()).code == 0);
    fs::create_directory(t / "fleet");
    std::ofstream(t / "fleet.csv") << "name,subject,san,key_type,days,profile\n"
                                      "vm-01,CN=vm-01,,,10,\n"
                                      "vm-02,CN=vm-02,,,100,\n";
    const auto row = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes", t.path());
    INFO(row.err);
    CHECK(row.code == 1);
    CHECK_THAT(row.err, Catch::StartsWith("pkitool: error: fleet.csv:3: days 100: the certificate would outlive its CA, which expires on "));
    CHECK_THAT(row.err, Catch::EndsWith("\nhint: set days to 29 or less\n"));
    CHECK(row.err.find("--days") == std::string::npos);
    CHECK(fs::is_empty(t / "fleet"));

    const auto flag = run("issue --ca ca --subject CN=vm-02 --days 100 --out vm.crt --key-out vm.key --yes", t.path());
    INFO(flag.err);
    CHECK(flag.code == 1);
    CHECK_THAT(flag.err, Catch::StartsWith("pkitool: error: --days 100: the certificate would outlive its CA, which expires on "));
    CHECK_THAT(flag.err, Catch::EndsWith("\nhint: use --days 29 or less\n"));

    std::ofstream(t / "fleet.csv") << "name,subject,san,key_type,days,profile\nvm-01,CN=vm-01,ip:300.1.1.1,,,\n";
    const auto san_row = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes", t.path());
    INFO(san_row.err);
    CHECK(san_row.code == 1);  // the file's content, not a usage error
    CHECK_THAT(san_row.err, Catch::StartsWith("pkitool: error: fleet.csv:2: san \"ip:300.1.1.1\": '300.1.1.1' is not an IPv4 or IPv6 address\n"));
    CHECK(san_row.err.find("--san") == std::string::npos);
    const auto san_flag = run("issue --ca ca --subject CN=vm-01 --san ip:300.1.1.1 --out vm.crt --key-out vm.key --yes", t.path());
    CHECK(san_flag.code == 2);
    CHECK_THAT(san_flag.err, Catch::StartsWith("pkitool: error: --san \"ip:300.1.1.1\": '300.1.1.1' is not an IPv4 or IPv6 address\n"));
    CHECK(nlohmann::json::parse(run("db list --ca ca --json", t.path()).out)["count"] == 0);
}

TEST_CASE("batch: 1,000 issuances give 1,000 distinct serials and 1,000 rows", "[cli][batch]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject CN=Root", t.path()).code == 0);
    fs::create_directory(t / "fleet");
    {
        std::ofstream csv(t / "fleet.csv");
        csv << "name,subject,san,key_type,days,profile\n";
        for (int i = 0; i < 1000; ++i) csv << "vm-" << i << ",CN=vm-" << i << ",,,,\n";
    }
    const auto r = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto issued = nlohmann::json::parse(r.out)["issued"];
    std::set<std::string> serials;
    for (const auto& row : issued) serials.insert(row["serial"].get<std::string>());
    CHECK(serials.size() == 1000);
    const auto db = nlohmann::json::parse(run("db list --ca ca --json", t.path()).out);
    CHECK(db["count"] == 1000);
    std::set<std::string> db_serials;
    for (const auto& row : db["certificates"]) db_serials.insert(row["serial"].get<std::string>());
    CHECK(db_serials == serials);
    // The database itself agrees, read by the sqlite3 command.
    CHECK(shell("sqlite3 ca/pkitool.db 'SELECT COUNT(DISTINCT serial) FROM certificates'", t.path()).out == "1000\n");
    // openssl verifies a sample of them, including the last one written.
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt fleet/vm-0.crt fleet/vm-500.crt fleet/vm-999.crt", t.path()).code == 0);
    // Python's cryptography, a strict reader, loads every key and finds it matches its certificate.
    // Among 1,000 P-256 keys some have a scalar with a leading zero byte, which must still be 32 octets.
    const auto keys = shell("python3 -c \"import sys\nfrom cryptography import x509\nfrom cryptography.hazmat.primitives import serialization as s\n"
                            "for i in range(1000):\n"
                            "    k = s.load_pem_private_key(open(f'fleet/vm-{i}.key', 'rb').read(), None)\n"
                            "    c = x509.load_pem_x509_certificate(open(f'fleet/vm-{i}.crt', 'rb').read())\n"
                            "    f = (s.Encoding.DER, s.PublicFormat.SubjectPublicKeyInfo)\n"
                            "    assert k.public_key().public_bytes(*f) == c.public_key().public_bytes(*f), i\n"
                            "print('ok')\"",
                            t.path());
    INFO(keys.err);
    CHECK(keys.out == "ok\n");
}

TEST_CASE("batch: a file that cannot be written stops the batch after its chunk is recorded", "[cli][batch]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject CN=Root", t.path()).code == 0);
    fs::create_directory(t / "fleet");
    {
        std::ofstream csv(t / "fleet.csv");
        csv << "name,subject,san,key_type,days,profile\n";
        for (int i = 0; i < 600; ++i) csv << "vm-" << i << ",CN=vm-" << i << ",,,,\n";
    }
    // With --force an existing path passes the plan; a directory there makes the rename fail.
    fs::create_directory(t / "fleet" / "vm-2.crt");
    const auto r = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes --force", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: fleet/vm-2.crt: cannot replace"));
    CHECK_THAT(r.err, Catch::Contains("row 4: the 500 certificates up to its chunk are recorded"));
    CHECK_THAT(r.err, Catch::Contains("pkitool db show --ca ca "));
    // Recorded before released: the first chunk (500 rows) is in the inventory with its copies
    // under certs/, the rows before the failure are written, nothing after the chunk was signed.
    CHECK(nlohmann::json::parse(run("db list --ca ca --json", t.path()).out)["count"] == 500);
    size_t copies = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(t / "ca" / "certs")) ++copies;
    CHECK(copies == 500);
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt fleet/vm-0.crt fleet/vm-1.crt", t.path()).code == 0);
    CHECK(fs::exists(t / "fleet" / "vm-2.key"));
    CHECK_FALSE(fs::exists(t / "fleet" / "vm-3.key"));
    CHECK_FALSE(fs::exists(t / "fleet" / "vm-599.key"));
}
