// renew (issue #13): from a file, a serial, --expiring and --due; same key or --rekey; the old row
// superseded or revoked; --exec. Oracles: openssl x509/verify/crl/pkey.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;
using nlohmann::json;

namespace {

std::string x509(const std::string& file, const std::string& what, const TempDir& t) {
    return shell("openssl x509 -in " + file + " -noout " + what, t.path()).out;
}
std::string pubkey_of_key(const std::string& key, const TempDir& t) { return shell("openssl pkey -in " + key + " -pubout", t.path()).out; }
std::string pubkey_of_cert(const std::string& cert, const TempDir& t) { return x509(cert, "-pubkey", t); }

void issue_vm(const TempDir& t, const std::string& name = "vm", const std::string& days = "30") {
    run_ok("issue --ca ca --subject CN=" + name + ",O=Example --san dns:" + name + ".example --san ip:10.0.0.7 --days " + days + " --out " + name +
               ".crt --key-out " + name + ".key --yes",
           t);
}

json renew_json(const std::string& args, const TempDir& t) {
    const auto r = run("renew --ca ca --yes --json " + args, t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    return json::parse(r.out);
}

}  // namespace

TEST_CASE("renew: a certificate file in place, same key, and the old row is superseded and linked both ways", "[cli][renew]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    issue_vm(t);
    const auto old_serial = openssl_serial("vm.crt", t);
    const auto subject = x509("vm.crt", "-subject", t), sans = x509("vm.crt", "-ext subjectAltName", t);
    const auto key_before = slurp(t / "vm.key");

    const auto j = renew_json("--cert vm.crt", t);
    REQUIRE(j["renewed"].size() == 1);
    const auto& r = j["renewed"][0];
    CHECK(r["previous_serial"] == old_serial);
    CHECK(r["serial"] != old_serial);
    CHECK(r["rekeyed"] == false);
    CHECK(r["differences"] == json::array());
    CHECK(openssl_serial("vm.crt", t) == r["serial"].get<std::string>());
    CHECK(x509("vm.crt", "-subject", t) == subject);
    CHECK(x509("vm.crt", "-ext subjectAltName", t) == sans);
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt vm.crt", t.path()).code == 0);
    CHECK(slurp(t / "vm.key") == key_before);
    CHECK(pubkey_of_cert("vm.crt", t) == pubkey_of_key("vm.key", t));

    const std::string new_serial = r["serial"];
    CHECK_THAT(run("db show --ca ca " + old_serial, t.path()).out, Catch::Contains("Status: superseded") && Catch::Contains("Superseded by: " + new_serial));
    // ca show counts as db list --status does: the predecessor is superseded, not valid.
    CHECK_THAT(run("ca show --dir ca", t.path()).out, Catch::Contains("Issued: 1 valid, 0 revoked, 0 expired, 1 superseded"));
    CHECK_THAT(run("db show --ca ca " + new_serial, t.path()).out, Catch::Contains("Status: valid") && Catch::Contains("Renews: " + old_serial));
    const auto shown = json::parse(run("db show --ca ca --json " + new_serial, t.path()).out);
    CHECK(shown["renews"] == old_serial);
    const auto superseded = json::parse(run("db list --ca ca --status superseded --json", t.path()).out);
    REQUIRE(superseded["count"] == 1);
    CHECK(superseded["certificates"][0]["superseded_by"] == new_serial);
    CHECK(json::parse(run("db list --ca ca --status valid --json", t.path()).out)["count"] == 1);
    CHECK(run("db check --ca ca", t.path()).code == 0);

    // Twice: refused, naming the successor.
    const auto again = run("renew --ca ca --serial " + old_serial + " --yes", t.path());
    CHECK(again.code == 1);
    CHECK_THAT(again.err, Catch::Contains("already renewed by " + new_serial) && Catch::Contains("renew certificate " + new_serial + " instead"));
    // Superseded rows are not selected again by --expiring.
    CHECK(renew_json("--expiring 365d --dry-run", t)["count"] == 1);
}

TEST_CASE("renew: a serial with --rekey writes a new key in place and --out elsewhere", "[cli][renew]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    issue_vm(t);
    const auto serial = openssl_serial("vm.crt", t);
    const auto old_pub = pubkey_of_key("vm.key", t);
    const auto j = renew_json("--serial " + serial + " --rekey", t);
    REQUIRE(j["renewed"].size() == 1);
    CHECK(j["renewed"][0]["rekeyed"] == true);
    CHECK(pubkey_of_key("vm.key", t) != old_pub);
    CHECK(pubkey_of_cert("vm.crt", t) == pubkey_of_key("vm.key", t));
    CHECK(mode_of(t / "vm.key") == 0600);
    CHECK_FALSE(fs::exists(t / "vm.key.next"));
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt vm.crt", t.path()).code == 0);

    // A key file that is not the certificate's is refused before anything is signed.
    issue_vm(t, "web");
    run_ok("key new --out other.key", t);
    const auto mismatch = run("renew --ca ca --cert web.crt --key-out other.key --out web2.crt --yes", t.path());
    CHECK(mismatch.code == 1);
    CHECK_THAT(mismatch.err, Catch::Contains("other.key: is not the key of certificate"));
    CHECK_FALSE(fs::exists(t / "web2.crt"));
    // --out: a new file; the old one stays.
    const auto out = renew_json("--cert web.crt --out web2.crt", t);
    CHECK(out["renewed"][0]["certificate_path"] == "web2.crt");
    CHECK(pubkey_of_cert("web2.crt", t) == pubkey_of_key("web.key", t));
    CHECK(openssl_serial("web.crt", t) != openssl_serial("web2.crt", t));
}

TEST_CASE("renew --expiring on 1,000 rows with --revoke-old: the CRL lists each predecessor as superseded", "[cli][renew]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    fs::create_directory(t / "fleet");
    {
        std::ofstream csv(t / "fleet.csv");
        csv << "name,subject,san,key_type,days,profile\n";
        for (int i = 0; i < 1000; ++i) csv << "vm-" << i << ",CN=vm-" << i << ",dns:vm-" << i << ".example,,10,\n";
        for (int i = 0; i < 5; ++i) csv << "long-" << i << ",CN=long-" << i << ",,,200,\n";
    }
    run_ok("issue --ca ca --batch fleet.csv --out-dir fleet --yes", t);
    const auto old_serial = openssl_serial("fleet/vm-17.crt", t);
    CHECK(renew_json("--expiring 30d --dry-run", t)["count"] == 1000);

    const auto j = renew_json("--expiring 30d --revoke-old --days 60", t);
    REQUIRE(j["renewed"].size() == 1000);
    CHECK(json::parse(run("db list --ca ca --status revoked --json", t.path()).out)["count"] == 1000);
    CHECK(json::parse(run("db list --ca ca --status valid --json", t.path()).out)["count"] == 1005);
    run_ok("crl --ca ca", t);
    const auto crl = shell("openssl crl -in ca/crl.pem -noout -text", t.path()).out;
    size_t superseded = 0;
    for (size_t at = crl.find("Superseded"); at != std::string::npos; at = crl.find("Superseded", at + 1)) ++superseded;
    CHECK(superseded == 1000);
    CHECK_THAT(crl, Catch::Contains(old_serial));
    for (int i = 0; i < 1000; i += 333) {
        const std::string n = "fleet/vm-" + std::to_string(i);
        CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt -crl_check -CRLfile ca/crl.pem " + n + ".crt", t.path()).code == 0);
        CHECK(pubkey_of_cert(n + ".crt", t) == pubkey_of_key(n + ".key", t));
        CHECK_THAT(x509(n + ".crt", "-ext subjectAltName", t), Catch::Contains("vm-" + std::to_string(i) + ".example"));
    }
    CHECK(run("db check --ca ca", t.path()).code == 0);
    CHECK(renew_json("--expiring 30d --dry-run", t)["count"] == 0);  // the successors run 60 days
    CHECK(j["renewed"][0]["differences"] == json::array({"lifetime: 10 days -> 60 days"}));
}

TEST_CASE("renew --due takes needs-renewal's threshold, and --exec runs with the paths and its failure is exit 1", "[cli][renew]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    issue_vm(t, "a", "90");
    issue_vm(t, "b", "90");
    // Nothing has used 2/3 of its lifetime yet; a 100-day window takes both.
    CHECK(renew_json("--due --dry-run", t)["count"] == 0);
    CHECK(renew_json("--due --expires-in 100d --dry-run", t)["count"] == 2);
    const auto bad = run("renew --ca ca --expiring 66% --yes", t.path());
    CHECK(bad.code == 2);

    const auto j = renew_json("--due --expires-in 100d --exec 'echo \"$PKITOOL_PREVIOUS_SERIAL $PKITOOL_RENEWED_SERIAL $PKITOOL_RENEWED_CERT "
                              "$PKITOOL_RENEWED_KEY\" >> exec.log'",
                              t);
    REQUIRE(j["renewed"].size() == 2);
    const auto log = slurp(t / "exec.log");
    for (const auto& r : j["renewed"])
        CHECK_THAT(log, Catch::Contains(r["previous_serial"].get<std::string>() + " " + r["serial"].get<std::string>() + " " +
                                        r["certificate_path"].get<std::string>() + " " + r["key_path"].get<std::string>()));

    const auto failing = run("renew --ca ca --cert a.crt --exec 'exit 3' --yes", t.path());
    CHECK(failing.code == 1);
    CHECK_THAT(failing.err, Catch::Contains("--exec failed") && Catch::Contains("exit status 3"));
    CHECK(pubkey_of_cert("a.crt", t) == pubkey_of_key("a.key", t));
    CHECK(json::parse(run("db list --ca ca --status superseded --json", t.path()).out)["count"] == 3);  // the renewal stays

    // No terminal and no --yes: refused, as issue does.
    const auto unseen = run("renew --ca ca --cert b.crt", t.path());
    CHECK(unseen.code != 0);
    CHECK(json::parse(run("db list --ca ca --status superseded --json", t.path()).out)["count"] == 3);
}

TEST_CASE("renew leaves sub-CAs to their own directories: skipped by --expiring, refused by serial", "[cli][renew]") {
    TempDir t;
    run_ok("ca init --dir root --subject CN=Root --days 100", t);
    run_ok("ca init --dir sub --parent root --subject CN=Sub --days 20", t);
    const auto sub_cert = slurp(t / "sub/ca.crt"), sub_key = slurp(t / "sub/private/ca.key");
    const auto serial = openssl_serial("sub/ca.crt", t);
    const auto batch = run("renew --ca root --expiring 30d --yes --json", t.path());
    INFO(batch.err);
    CHECK(batch.code == 0);
    CHECK(slurp(t / "sub/ca.crt") == sub_cert);
    for (const auto& extra : {std::string(), std::string(" --rekey")}) {
        const auto one = run("renew --ca root --serial " + serial + extra + " --yes", t.path());
        CHECK(one.code == 1);
        CHECK_THAT(one.err, Catch::Contains(serial) && Catch::Contains("is a CA certificate"));
    }
    CHECK(slurp(t / "sub/ca.crt") == sub_cert);
    CHECK(slurp(t / "sub/private/ca.key") == sub_key);
    run_ok("ca show --dir sub", t);
}

TEST_CASE("renew --rekey into another file needs its own key file: the recorded pair keeps matching", "[cli][renew]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    shell("mkdir o", t.path());
    run_ok("issue --ca ca --subject CN=o --days 30 --out o/o.crt --key-out o/o.key --yes", t);
    const auto serial = openssl_serial("o/o.crt", t);
    const auto key = slurp(t / "o/o.key");
    const auto refused = run("renew --ca ca --serial " + serial + " --rekey --out o/new.crt --yes", t.path());
    CHECK(refused.code == 1);
    CHECK_THAT(refused.err, Catch::Contains("o/o.key"));
    CHECK(slurp(t / "o/o.key") == key);
    CHECK_FALSE(fs::exists(t / "o/new.crt"));
    // A copy of the pair elsewhere: renewing the copy must not rekey the original.
    shell("mkdir etc && cp o/o.crt o/o.key etc/", t.path());
    const auto copy = run("renew --ca ca --cert etc/o.crt --rekey --yes", t.path());
    CHECK(copy.code == 1);
    CHECK(slurp(t / "o/o.key") == key);
    run_ok("renew --ca ca --serial " + serial + " --rekey --out o/new.crt --key-out o/new.key --yes", t);
    CHECK(slurp(t / "o/o.key") == key);
    CHECK(x509("o/new.crt", "-pubkey", t) == pubkey_of_key("o/new.key", t));
    CHECK(x509("o/o.crt", "-pubkey", t) == pubkey_of_key("o/o.key", t));
    CHECK(mode_of(t / "o/new.key") == 0600);
}

TEST_CASE("renew: a batch with one row that cannot be written puts the others in place and names the one left", "[cli][renew]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    shell("mkdir ld", t.path());
    for (const auto* n : {"l1", "l2", "l3"})
        run_ok(std::string("issue --ca ca --subject CN=") + n + " --days 10 --out ld/" + n + ".crt --key-out ld/" + n + ".key --yes", t);
    const auto s1 = openssl_serial("ld/l1.crt", t), s2 = openssl_serial("ld/l2.crt", t), s3 = openssl_serial("ld/l3.crt", t);
    shell("rm ld/l1.crt && mkdir ld/l1.crt", t.path());  // cannot be replaced by a file
    const auto r = run("renew --ca ca --due --expires-in 30d --days 60 --rekey --yes", t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("1 renewal(s) recorded but not in place") && Catch::Contains(s1));
    for (const auto& [file, old] : {std::pair{"ld/l2", s2}, std::pair{"ld/l3", s3}}) {
        CHECK(openssl_serial(std::string(file) + ".crt", t) != old);
        CHECK(x509(std::string(file) + ".crt", "-pubkey", t) == pubkey_of_key(std::string(file) + ".key", t));
        CHECK_FALSE(fs::exists(t / (std::string(file) + ".key.next")));
    }
    // The old key is still beside the gap; by serial, the recorded renewal is finished.
    shell("rmdir ld/l1.crt", t.path());
    run_ok("renew --ca ca --serial " + s1 + " --yes", t);
    CHECK(openssl_serial("ld/l1.crt", t) != s1);
    CHECK(x509("ld/l1.crt", "-pubkey", t) == pubkey_of_key("ld/l1.key", t));
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt ld/l1.crt ld/l2.crt ld/l3.crt", t.path()).code == 0);
}
