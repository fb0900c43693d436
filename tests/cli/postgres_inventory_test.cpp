// The inventory on PostgreSQL (issue #14): ca init --db, ca attach on a second directory, db
// migrate both ways, PKITOOL_DB, the errors, and issuing from two directories at once. Oracles:
// psql on the same database, openssl verify and openssl crl.
#include "tests/support/cli.h"
#include "tests/support/postgres.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace pkitool::test;

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string psql_value(const std::string& url, const std::string& sql) {
    const auto r = psql(url, sql);
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

std::set<std::string> serials_listed(const std::string& dir, const TempDir& t) {
    const auto r = run("db list --ca " + dir + " --json", t.path());
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    std::set<std::string> out;
    const auto listing = nlohmann::json::parse(r.out);  // kept: a range-for over a temporary's member would dangle
    for (const auto& c : listing["certificates"]) out.insert(c["serial"].get<std::string>());
    return out;
}

// Every serial a CRL lists, as openssl prints them.
std::set<std::string> crl_serials(const std::string& crl, const TempDir& t) {
    const auto r = shell("openssl crl -in " + crl + " -noout -text | sed -n 's/^ *Serial Number: //p'", t.path());
    std::set<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.insert(line);
    return out;
}

}  // namespace

TEST_CASE("postgres inventory: ca init --db records the database, and issue, revoke and crl use it", "[cli][postgres]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    run_ok("ca init --dir ca --subject CN=Root --db " + quoted(url), t);
    CHECK_FALSE(fs::exists(t / "ca/pkitool.db"));
    CHECK(slurp(t / "ca/inventory.url") == url + "\n");
    CHECK_THAT(run("ca show --ca ca", t.path()).out, Catch::Contains("Inventory: " + url));
    run_ok("issue --ca ca --subject CN=a --out a.crt --key-out a.key --yes", t);
    run_ok("issue --ca ca --subject CN=b --out b.crt --key-out b.key --yes", t);
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt a.crt b.crt", t.path()).code == 0);
    const auto a = openssl_serial("a.crt", t);
    run_ok("revoke --ca ca " + a + " --reason keyCompromise", t);
    run_ok("crl --ca ca", t);
    CHECK(shell("openssl crl -in ca/crl.pem -CAfile ca/ca.crt -noout -verify", t.path()).code == 0);
    CHECK(crl_serials("ca/crl.pem", t) == std::set<std::string>{a});
    // psql sees what pkitool recorded: two rows, one revoked with its reason.
    CHECK(psql_value(url, "SELECT count(*) FROM certificates") == "2");
    CHECK(psql_value(url, "SELECT revocation_reason FROM certificates WHERE revoked_at IS NOT NULL") == "keyCompromise");
    CHECK(psql_value(url, "SELECT upper(serial) FROM certificates WHERE revoked_at IS NOT NULL") == a);
    CHECK(serials_listed("ca", t).size() == 2);
}

TEST_CASE("postgres inventory: two directories of one CA share serials, revocations and CRL numbers", "[cli][postgres]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    run_ok("ca init --dir host1 --subject CN=Shared --db " + quoted(url), t);
    // The second host has the CA certificate and a copy of the key, nothing else.
    const auto r = run("ca attach --dir host2 --cert host1/ca.crt --key host1/private/ca.key --db " + quoted(url) + " --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(nlohmann::json::parse(r.out)["certificates"] == 0);
    CHECK(fs::exists(t / "host2/private/ca.key"));
    CHECK(mode_of(t / "host2/private/ca.key") == 0600);
    run_ok("issue --ca host1 --subject CN=one --out one.crt --key-out one.key --yes", t);
    run_ok("issue --ca host2 --subject CN=two --out two.crt --key-out two.key --yes", t);
    CHECK(shell("openssl verify -x509_strict -CAfile host1/ca.crt one.crt two.crt", t.path()).code == 0);
    CHECK(serials_listed("host1", t) == serials_listed("host2", t));
    CHECK(serials_listed("host1", t).size() == 2);
    // Revoked on one host, listed by the other's CRL; the numbers go on across hosts.
    run_ok("revoke --ca host1 " + openssl_serial("two.crt", t), t);
    run_ok("crl --ca host2", t);
    run_ok("crl --ca host1", t);
    CHECK(crl_serials("host2/crl.pem", t) == std::set<std::string>{openssl_serial("two.crt", t)});
    CHECK(crl_number("host2/crl.pem", t) == 1);
    CHECK(crl_number("host1/crl.pem", t) == 2);
    CHECK(shell("openssl crl -in host2/crl.pem -CAfile host1/ca.crt -noout -verify", t.path()).code == 0);
}

TEST_CASE("postgres inventory: what is refused, with one line and nothing written", "[cli][postgres]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    run_ok("ca init --dir other --subject CN=Other", t);  // an SQLite CA, not in the database
    struct Case {
        std::string args;
        int code;
        std::string words;
        std::string dir;  // must not exist afterwards
    };
    const std::vector<Case> cases = {
        {"ca init --dir x --subject CN=X --db 'postgresql://pki:secret@db.example/pkitool'", 2, "holds a password", "x"},
        {"ca init --dir x --subject CN=X --db 'not a url'", 2, "not a PostgreSQL connection string", "x"},
        {"ca init --dir x --subject CN=X --db 'postgresql:///nodb?host=" + t.path().string() + "/nowhere&port=5432'", 1, "", "x"},
        {"ca attach --dir y --cert other/ca.crt --key other/private/ca.key", 2, "--db", "y"},
        {"ca attach --dir y --cert other/ca.crt --key other/private/ca.key --db " + quoted(url), 1, "no inventory of this CA", "y"},
        {"ca attach --dir y --cert other/ca.crt --key " + (t / "nokey").string() + " --db " + quoted(url), 1, "nokey", "y"},
    };
    for (const auto& c : cases) {
        const auto r = run(c.args, t.path());
        INFO(c.args << "\n" << r.err);
        CHECK(r.code == c.code);
        CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: ") && Catch::Contains(c.words));
        // One line, then hints.
        const auto first_end = r.err.find('\n');
        CHECK(r.err.find("\npkitool:") == std::string::npos);
        for (auto at = first_end; at != std::string::npos && at + 1 < r.err.size(); at = r.err.find('\n', at + 1))
            CHECK(r.err.compare(at + 1, 6, "hint: ") == 0);
        CHECK_THAT(r.err, !Catch::Contains("secret"));
        CHECK_FALSE(fs::exists(t / c.dir));
    }
    // The database was only read: an attach that fails creates no table in it.
    CHECK(psql_value(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
}

TEST_CASE("postgres inventory: db migrate to PostgreSQL and back keeps every row, revocation, link and CRL number", "[cli][postgres][migrate]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    run_ok("ca init --dir ca --subject CN=Root", t);
    for (const auto* name : {"a", "b", "c"}) run_ok(std::string("issue --ca ca --subject CN=") + name + " --out " + name + ".crt --key-out " + name + ".key --yes", t);
    run_ok("revoke --ca ca " + openssl_serial("a.crt", t) + " --reason superseded", t);
    run_ok("renew --ca ca --cert b.crt --yes", t);
    run_ok("crl --ca ca", t);
    run_ok("crl --ca ca", t);
    const auto before = run("db list --ca ca --json", t.path()).out;

    const auto to_pg = run("db migrate --ca ca --to " + quoted(url) + " --json", t.path());
    INFO(to_pg.err);
    REQUIRE(to_pg.code == 0);
    const auto j = nlohmann::json::parse(to_pg.out);
    CHECK(j["certificates"] == 4);
    CHECK(j["revoked"] == 1);
    CHECK(j["last_crl_number"] == 2);
    CHECK(slurp(t / "ca/inventory.url") == url + "\n");
    CHECK_FALSE(fs::exists(t / "ca/pkitool.db"));
    CHECK(fs::exists(t / "ca/pkitool.db.before-migration"));
    CHECK(psql_value(url, "SELECT count(*) FROM certificates") == "4");
    CHECK(psql_value(url, "SELECT count(*) FROM certificates WHERE superseded_by IS NOT NULL") == "1");
    CHECK(run("db list --ca ca --json", t.path()).out == before);
    run_ok("crl --ca ca", t);
    CHECK(crl_number("ca/crl.pem", t) == 3);
    CHECK(crl_serials("ca/crl.pem", t) == std::set<std::string>{openssl_serial("a.crt", t)});
    run_ok("issue --ca ca --subject CN=d --out d.crt --key-out d.key --yes", t);

    // Running it again is refused: the directory is there already.
    CHECK(run("db migrate --ca ca --to " + quoted(url), t.path()).code == 1);
    const auto back = run("db migrate --ca ca --to sqlite --json", t.path());
    INFO(back.err);
    REQUIRE(back.code == 0);
    CHECK(nlohmann::json::parse(back.out)["certificates"] == 5);
    CHECK_FALSE(fs::exists(t / "ca/inventory.url"));
    CHECK(shell("sqlite3 ca/pkitool.db 'SELECT count(*) FROM certificates'", t.path()).out == "5\n");
    run_ok("crl --ca ca", t);
    CHECK(crl_number("ca/crl.pem", t) == 4);
}

TEST_CASE("postgres inventory: PKITOOL_DB points every command at a database", "[cli][postgres]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    const auto r = shell("PKITOOL_DB=" + quoted(url) + " '" PKITOOL_BINARY "' ca init --dir ca --subject CN=Env && PKITOOL_DB=" + quoted(url) +
                             " '" PKITOOL_BINARY "' issue --ca ca --subject CN=e --out e.crt --key-out e.key --yes",
                         t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(slurp(t / "ca/inventory.url") == url + "\n");
    CHECK(psql_value(url, "SELECT count(*) FROM certificates") == "1");
    const auto bad = shell("PKITOOL_DB=nonsense '" PKITOOL_BINARY "' db list --ca ca", t.path());
    CHECK(bad.code == 1);
    CHECK_THAT(bad.err, Catch::StartsWith("pkitool: error: PKITOOL_DB: "));
    CHECK_THAT(bad.err, Catch::Contains("PKITOOL_DB"));
}

TEST_CASE("postgres inventory: 2 directories x 4 processes x 250 certificates, with revocations and CRLs meanwhile", "[cli][postgres][concurrency]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    run_ok("ca init --dir host1 --subject CN=Busy --db " + quoted(url), t);
    run_ok("ca attach --dir host2 --cert host1/ca.crt --key host1/private/ca.key --db " + quoted(url), t);
    // Something to revoke while the batches run.
    for (int i = 0; i < 6; ++i) run_ok("issue --ca host1 --subject CN=early" + std::to_string(i) + " --out early" + std::to_string(i) + ".crt --yes --key-out early" + std::to_string(i) + ".key", t);
    for (int p = 0; p < 8; ++p) {
        std::ofstream csv(t / ("fleet" + std::to_string(p) + ".csv"));
        csv << "name,subject,san,key_type,days,profile\n";
        for (int i = 0; i < 250; ++i) csv << "p" << p << "-" << i << ",CN=p" << p << "-" << i << ",,,,\n";
        fs::create_directory(t / ("out" + std::to_string(p)));
    }
    std::string script = "pids=''\n";
    for (int p = 0; p < 8; ++p)
        script += "'" PKITOOL_BINARY "' issue --ca host" + std::to_string(p % 2 + 1) + " --batch fleet" + std::to_string(p) + ".csv --out-dir out" +
                  std::to_string(p) + " --yes > batch" + std::to_string(p) + ".log 2>&1 & pids=\"$pids $!\"\n";
    // Meanwhile, on both directories at once: revocations, and CRLs whose numbers are kept. Two
    // CRLs signed at the same moment on two hosts must still get two numbers.
    script += "side() { h=$1; for i in $2 $3 $4; do s=$(openssl x509 -in early$i.crt -noout -serial | cut -d= -f2);"
              " '" PKITOOL_BINARY "' revoke --ca host$h $s >> side$h.log 2>&1 || echo \"revoke $i failed\";"
              " '" PKITOOL_BINARY "' crl --ca host$h --out crl$i.pem >> side$h.log 2>&1 || echo \"crl $i failed\"; done; }\n"
              "side 1 0 2 4 & a=$!; side 2 1 3 5 & b=$!\n"
              "wait $a; wait $b\n"
              "failed=0; for p in $pids; do wait $p || failed=$((failed + 1)); done; echo \"failed=$failed\"\n";
    const auto r = shell(script, t.path());
    INFO(r.out << r.err << slurp(t / "side1.log") << slurp(t / "side2.log") << slurp(t / "batch0.log"));
    CHECK_THAT(r.out, Catch::Contains("failed=0") && !Catch::Contains(" failed\n"));
    const auto listed = serials_listed("host2", t);
    CHECK(listed.size() == 2006);
    CHECK(psql_value(url, "SELECT count(DISTINCT serial) FROM certificates") == "2006");
    // Each host's CRLs in the order it signed them: increasing; across hosts: no number twice.
    std::set<long> numbers;
    for (int h = 0; h < 2; ++h) {
        long last = 0;
        for (int i = h; i < 6; i += 2) {
            const auto n = crl_number("crl" + std::to_string(i) + ".pem", t);
            CHECK(n > last);
            last = n;
            CHECK(numbers.insert(n).second);
        }
    }
    CHECK(numbers == std::set<long>{1, 2, 3, 4, 5, 6});
    run_ok("crl --ca host1", t);
    std::set<std::string> revoked;
    for (int i = 0; i < 6; ++i) revoked.insert(openssl_serial("early" + std::to_string(i) + ".crt", t));
    CHECK(crl_serials("host1/crl.pem", t) == revoked);
    CHECK(crl_number("host1/crl.pem", t) == 7);
}

TEST_CASE("postgres inventory: a server restart in the middle of a batch stops it at a chunk, and --resume finishes it", "[cli][postgres]") {
    PostgresServer server;  // private: this test restarts it
    TempDir t;
    const auto url = server.new_database();
    run_ok("ca init --dir ca --subject CN=Root --db " + quoted(url), t);
    constexpr int kRows = 6000;
    {
        std::ofstream csv(t / "fleet.csv");
        csv << "name,subject,san,key_type,days,profile\n";
        for (int i = 0; i < kRows; ++i) csv << "vm-" << i << ",CN=vm-" << i << ",,,,\n";
    }
    fs::create_directory(t / "fleet");
    // Started in the background; the server is restarted once the first chunk is committed.
    const auto r = shell("'" PKITOOL_BINARY "' issue --ca ca --batch fleet.csv --out-dir fleet --yes > batch.log 2>&1 & pid=$!; echo $pid > batch.pid\n"
                         "for i in $(seq 600); do n=$(" + std::string(PostgresServer::kBinDir) + "/psql -X -At " + quoted(url) +
                             " -c 'SELECT count(*) FROM certificates' 2>/dev/null); [ \"${n:-0}\" -gt 0 ] && break; sleep 0.02; done\n"
                             "echo first=$n\n",
                         t.path());
    INFO(r.out << r.err);
    server.restart();
    shell("while kill -0 $(cat batch.pid) 2>/dev/null; do sleep 0.1; done", t.path());
    const auto log = slurp(t / "batch.log");
    INFO(log);
    const auto recorded = std::stol(psql_value(url, "SELECT count(*) FROM certificates"));
    size_t written = 0;
    for (const auto& e : fs::directory_iterator(t / "fleet"))
        if (e.path().extension() == ".crt") ++written;
    REQUIRE(recorded < kRows);  // the restart came in the middle
    CHECK_THAT(log, Catch::Contains("pkitool: error: ") && Catch::Contains("--resume"));
    CHECK(recorded % 500 == 0);  // whole chunks of the batch (ca/authority.cpp kChunk), never part of one
    // Nothing was written that was not recorded; a chunk whose COMMIT the restart cut may be
    // recorded without its files, which --resume finishes.
    CHECK(written <= static_cast<size_t>(recorded));
    const auto again = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes --resume", t.path());
    INFO(again.err);
    CHECK(again.code == 0);
    CHECK(psql_value(url, "SELECT count(DISTINCT serial) FROM certificates WHERE revoked_at IS NULL") == std::to_string(kRows));
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(t / "fleet"))
        if (e.path().extension() == ".crt") ++files;
    CHECK(files == static_cast<size_t>(kRows));
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt fleet/vm-0.crt fleet/vm-5999.crt", t.path()).code == 0);
}

TEST_CASE("postgres inventory: db migrate of 100,000 rows: counts and every (serial, DER, revocation) match, by sqlite3 and psql", "[cli][postgres][migrate]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    run_ok("ca init --dir ca --subject CN=Big", t);
    // 100,000 synthetic rows straight into the inventory (not 100,000 issue runs): random serials
    // and DER, every 7th revoked with a reason, one on hold with its instruction.
    const auto fill = shell("sqlite3 ca/pkitool.db", t.path(),
                            "BEGIN;\n"
                            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)\n"
                            "INSERT INTO certificates (serial, subject, sans, not_before, not_after, profile, fingerprint, der, created_at, revoked_at, revocation_reason)\n"
                            "SELECT printf('%02X', 128 + abs(random()) % 128) || hex(randomblob(15)), printf('CN=host-%06d', i), '', 1700000000 + i,\n"
                            "       1800000000 + i, 'rolesanywhere-client', lower(hex(randomblob(32))), randomblob(40 + i % 50), 1700000000 + i,\n"
                            "       CASE WHEN i % 7 = 0 THEN 1750000000 + i END, CASE WHEN i % 7 = 0 THEN 'keyCompromise' END FROM n;\n"
                            "UPDATE certificates SET revoked_at = 1750000000, revocation_reason = 'certificateHold', hold_instruction = '1.2.840.10040.2.2'\n"
                            "  WHERE id = 10;\n"
                            "COMMIT;\n");
    INFO(fill.err);
    REQUIRE(fill.code == 0);
    const auto r = run("db migrate --ca ca --to " + quoted(url) + " --json", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["certificates"] == 100000);
    CHECK(j["revoked"] == 100000 / 7 + 1);
    // Both databases print every row the same way, sorted by serial; the files must be equal.
    const std::string columns = "serial, revoked_at, revocation_reason, hold_instruction";
    const auto lite = shell("sqlite3 -separator '|' ca/pkitool.db.before-migration \"SELECT " + columns +
                                ", lower(hex(der)) FROM certificates ORDER BY serial\" > lite.txt && wc -l < lite.txt",
                            t.path());
    const auto post = shell(std::string(PostgresServer::kBinDir) + "/psql -X -At -F '|' " + quoted(url) + " -c \"SELECT " + columns +
                                ", encode(der, 'hex') FROM certificates ORDER BY serial\" > post.txt && wc -l < post.txt",
                            t.path());
    INFO(lite.err << post.err);
    CHECK(lite.out == post.out);
    CHECK(shell("cmp lite.txt post.txt && sha256sum < lite.txt", t.path()).code == 0);
    CHECK(psql_value(url, "SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL") == std::to_string(100000 / 7 + 1));
    CHECK(lite.out == "100000\n");
}

TEST_CASE("postgres inventory: ca renew on one host moves the CA's rows, and the other follows once it has the new ca.crt", "[cli][postgres]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    run_ok("ca init --dir host1 --subject CN=Renewed --db " + quoted(url), t);
    run_ok("ca attach --dir host2 --cert host1/ca.crt --key host1/private/ca.key --db " + quoted(url), t);
    run_ok("issue --ca host2 --subject CN=before --out before.crt --key-out before.key --yes", t);
    run_ok("ca renew --dir host1 --yes", t);
    run_ok("issue --ca host1 --subject CN=after --out after.crt --key-out after.key --yes", t);
    CHECK(serials_listed("host1", t).size() == 2);
    // host2 still has the old certificate: refused, with the way out.
    const auto stale = run("issue --ca host2 --subject CN=stale --out stale.crt --key-out stale.key --yes", t.path());
    CHECK(stale.code == 1);
    CHECK_THAT(stale.err, Catch::Contains("no inventory of this CA") && Catch::Contains("new ca.crt"));
    CHECK_FALSE(fs::exists(t / "stale.crt"));
    fs::copy_file(t / "host1/ca.crt", t / "host2/ca.crt", fs::copy_options::overwrite_existing);
    run_ok("issue --ca host2 --subject CN=later --out later.crt --key-out later.key --yes", t);
    CHECK(serials_listed("host2", t).size() == 3);
    CHECK(shell("openssl verify -x509_strict -CAfile host1/ca.crt after.crt later.crt", t.path()).code == 0);
    CHECK(psql_value(url, "SELECT count(*) FROM cas") == "1");
}

TEST_CASE("postgres inventory: ca import --db and an intermediate's --db: two CAs in one database keep apart", "[cli][postgres]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    // An openssl CA with one issued certificate, adopted straight into the database.
    must(shell("mkdir -p old/newcerts && touch old/index.txt && echo 1000 > old/serial && "
               "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout old/ca.key -out old/ca.crt -subj /CN=Old -days 30 "
               "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null && "
               "printf '[ca]\\ndefault_ca=d\\n[d]\\ndir=old\\ndatabase=old/index.txt\\nnew_certs_dir=old/newcerts\\nserial=old/serial\\n"
               "certificate=old/ca.crt\\nprivate_key=old/ca.key\\ndefault_md=sha256\\npolicy=p\\ndefault_days=10\\n[p]\\ncommonName=supplied\\n' > old.cnf && "
               "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj /CN=leaf 2>/dev/null && "
               "openssl ca -batch -config old.cnf -in leaf.csr -out leaf.crt 2>/dev/null",
               t.path()));
    run_ok("ca import --dir imported --cert old/ca.crt --key old/ca.key --openssl-index old/index.txt --db " + quoted(url), t);
    CHECK(serials_listed("imported", t) == std::set<std::string>{"1000"});
    run_ok("ca init --dir root --subject CN=Root", t);
    run_ok("ca init --dir sub --parent root --subject CN=Sub --db " + quoted(url), t);
    run_ok("issue --ca sub --subject CN=s --out s.crt --key-out s.key --yes", t);
    CHECK(shell("openssl verify -x509_strict -CAfile root/ca.crt -untrusted sub/chain.pem s.crt", t.path()).code == 0);
    CHECK(serials_listed("sub", t).size() == 1);
    CHECK(serials_listed("root", t).size() == 1);      // the parent's own SQLite inventory records the sub-CA
    CHECK(serials_listed("imported", t).size() == 1);  // the sub-CA's row is not the imported CA's
    CHECK(psql_value(url, "SELECT count(*) FROM cas") == "2");
    CHECK(psql_value(url, "SELECT count(*) FROM certificates") == "2");
}

TEST_CASE("postgres inventory: db migrate cut short at each step is finished by running it again", "[cli][postgres][migrate]") {
    TempDir t;
    const auto url = shared_postgres().new_database();
    run_ok("ca init --dir ca --subject CN=Root", t);
    run_ok("issue --ca ca --subject CN=a --out a.crt --key-out a.key --yes", t);
    run_ok("crl --ca ca", t);
    run_ok("db migrate --ca ca --to " + quoted(url), t);
    // Killed after the copy committed, before the directory switched: the directory still uses
    // SQLite, the database holds the same rows.
    fs::rename(t / "ca/pkitool.db.before-migration", t / "ca/pkitool.db");
    fs::remove(t / "ca/inventory.url");
    auto again = run("db migrate --ca ca --to " + quoted(url) + " --json", t.path());
    INFO(again.err);
    REQUIRE(again.code == 0);
    CHECK(nlohmann::json::parse(again.out)["finished_earlier_copy"] == true);
    CHECK(slurp(t / "ca/inventory.url") == url + "\n");
    // Killed after the switch, before the old file was set aside: it is, now.
    fs::rename(t / "ca/pkitool.db.before-migration", t / "ca/pkitool.db");
    again = run("db migrate --ca ca --to " + quoted(url), t.path());
    INFO(again.err);
    REQUIRE(again.code == 0);
    CHECK_FALSE(fs::exists(t / "ca/pkitool.db"));
    CHECK(fs::exists(t / "ca/pkitool.db.before-migration"));
    // A database whose copy differs (a revocation since) is never taken for this one's.
    run_ok("revoke --ca ca " + openssl_serial("a.crt", t), t);
    fs::remove(t / "ca/inventory.url");
    fs::rename(t / "ca/pkitool.db.before-migration", t / "ca/pkitool.db");
    const auto stale_target = run("db migrate --ca ca --to " + quoted(url), t.path());
    CHECK(stale_target.code == 1);
    CHECK_THAT(stale_target.err, Catch::Contains("that is not the one in"));
    CHECK_FALSE(fs::exists(t / "ca/inventory.url"));
    CHECK(run("db list --ca ca --status valid --json", t.path()).out.find("\"count\": 1") != std::string::npos);
    // A -wal left beside a missing pkitool.db would be replayed into the new file: refused.
    const auto other = shared_postgres().new_database();
    run_ok("db migrate --ca ca --to " + quoted(other), t);
    std::ofstream(t / "ca/pkitool.db-wal") << "stale";
    const auto back = run("db migrate --ca ca --to sqlite", t.path());
    CHECK(back.code == 1);
    CHECK_THAT(back.err, Catch::Contains("pkitool.db-wal"));
    CHECK_FALSE(fs::exists(t / "ca/pkitool.db"));
    fs::remove(t / "ca/pkitool.db-wal");
    run_ok("db migrate --ca ca --to sqlite", t);
    CHECK(fs::exists(t / "ca/pkitool.db"));
}
