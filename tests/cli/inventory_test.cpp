// The inventory cannot be silently lost (issue #8, defects 4 and 5): it is whole without its -wal
// file, a lost or foreign one is refused, `db backup` copies it, and crl.pem never goes backwards.
// Oracles: sqlite3 reads the files, openssl reads the CRLs.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace pkitool::test;

namespace {

std::string sql(const std::string& db, const std::string& query, const TempDir& t) {
    const auto r = shell("sqlite3 " + db + " \"" + query + "\"", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    return r.out;
}

// A CA with one leaf revoked for keyCompromise and CRL number 1 published.
void revoked_ca(const TempDir& t) {
    run_ok("ca init --dir ca --subject CN=Root", t);
    run_ok("issue --ca ca --subject CN=vm --out vm.crt --key-out vm.key --yes", t);
    run_ok("revoke --ca ca " + openssl_serial("vm.crt", t) + " --reason keyCompromise", t);
    run_ok("crl --ca ca", t);
}

}  // namespace

TEST_CASE("inventory: a copy without pkitool.db-wal keeps every row and revocation", "[cli][inventory]") {
    TempDir t;
    revoked_ca(t);
    // Checkpointed on close: the database file alone holds the rows, and no -wal is left.
    CHECK_FALSE(fs::exists(t / "ca/pkitool.db-wal"));
    CHECK(sql("ca/pkitool.db", "SELECT count(*) FROM certificates WHERE revocation_reason = 'keyCompromise'", t) == "1\n");
    REQUIRE(shell("mkdir copy && cp -r ca/ca.crt ca/private ca/certs ca/crl.pem ca/pkitool.db copy/", t.path()).code == 0);
    const auto r = run("crl --ca copy --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(nlohmann::json::parse(r.out)["entries"] == 1);
    CHECK(crl_number("copy/crl.pem", t) == 2);
    CHECK_THAT(shell("openssl crl -in copy/crl.pem -noout -text", t.path()).out, Catch::Contains("Key Compromise"));
}

TEST_CASE("inventory: an empty or foreign inventory is refused, never re-created", "[cli][inventory]") {
    TempDir t;
    revoked_ca(t);
    const auto crl_before = slurp(t / "ca/crl.pem");
    REQUIRE(shell("cp ca/pkitool.db saved.db && : > ca/pkitool.db", t.path()).code == 0);
    for (const auto* command : {"crl --ca ca", "db list --ca ca", "issue --ca ca --subject CN=x --out x.crt --key-out x.key --yes"}) {
        const auto r = run(command, t.path());
        INFO(command << "\n" << r.err);
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::Contains("ca/pkitool.db: the inventory is empty") && Catch::Contains("pkitool.db-wal"));
        CHECK_THAT(r.err, Catch::Contains("hint: restore pkitool.db"));
    }
    CHECK(slurp(t / "ca/crl.pem") == crl_before);
    CHECK_FALSE(fs::exists(t / "x.crt"));
    CHECK(fs::file_size(t / "ca/pkitool.db") == 0);  // untouched: no schema written into it

    // Another CA's inventory in this directory.
    run_ok("ca init --dir other --subject CN=Other", t);
    REQUIRE(shell("cp other/pkitool.db ca/pkitool.db", t.path()).code == 0);
    const auto r = run("db list --ca ca", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("ca/pkitool.db: the inventory belongs to another CA"));
    REQUIRE(shell("cp saved.db ca/pkitool.db", t.path()).code == 0);
    run_ok("db list --ca ca", t);
}

TEST_CASE("inventory: db backup copies consistently, an inventory older than crl.pem is refused", "[cli][inventory]") {
    TempDir t;
    revoked_ca(t);
    const auto r = run("db backup --ca ca backup.db", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(mode_of(t / "backup.db") == 0600);
    CHECK(sql("backup.db", "PRAGMA integrity_check", t) == "ok\n");
    CHECK(sql("backup.db", "SELECT count(*) FROM certificates", t) == "1\n");
    CHECK(sql("backup.db", "SELECT last_number FROM crl_state", t) == "1\n");
    CHECK(run("db backup --ca ca backup.db", t.path()).code == 1);  // never overwritten

    run_ok("crl --ca ca", t);
    run_ok("crl --ca ca", t);
    REQUIRE(crl_number("ca/crl.pem", t) == 3);
    // Restoring the old copy rewinds the cRLNumber to 1: signing #2 again would go backwards.
    REQUIRE(shell("cp backup.db ca/pkitool.db", t.path()).code == 0);
    const auto refused = run("crl --ca ca", t.path());
    CHECK(refused.code == 1);
    CHECK_THAT(refused.err, Catch::Contains("ca/crl.pem: is CRL number 3, but the inventory's last CRL number is 1"));
    CHECK(crl_number("ca/crl.pem", t) == 3);
}

TEST_CASE("inventory: concurrent crl runs never leave an older crl.pem in place (under strace)", "[cli][inventory]") {
    TempDir t;
    revoked_ca(t);
    // The first run's rename is held back 1.5 s by strace; the second runs meanwhile. Without the
    // CA's CRL lock the first rename landed last and crl.pem went back to the older number.
    const std::string slow = "ASAN_OPTIONS=detect_leaks=0 strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 "
                             "-e inject=rename,renameat,renameat2:delay_enter=1500000 '" PKITOOL_BINARY "' -q crl --ca ca";
    const auto r = shell("(" + slow + " & sleep 0.5; '" PKITOOL_BINARY "' -q crl --ca ca; s=$?; wait $!; a=$?; exit $((s | a)))", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto last = std::stol(sql("ca/pkitool.db", "SELECT last_number FROM crl_state", t));
    CHECK(last == 3);
    CHECK(crl_number("ca/crl.pem", t) == last);
}
