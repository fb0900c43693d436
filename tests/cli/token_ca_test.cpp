// A CA whose key is in a PKCS#11 token (issue #11), end to end through the pkitool binary on
// SoftHSM2: certificates and CRLs judged by openssl, the token's contents by OpenSC's pkcs11-tool.
#include "tests/support/softhsm.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;

namespace {

const std::string kLib = std::string(" --pkcs11-lib ") + SoftHsm::kModule;

// pkitool with the PIN in its environment, as an operator's shell would give it.
Result with_pin(const std::string& args, const TempDir& t, const std::string& pin = SoftHsm::kPin) {
    return shell("PKITOOL_PIN=" + pin + " '" + PKITOOL_BINARY + "' " + args, t.path());
}

void ok(const Result& r, const std::string& what) {
    INFO(what << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
}

void openssl_ok(const std::string& command, const TempDir& t) {
    const auto r = shell(command, t.path());
    INFO(command << "\n" << r.out << r.err);
    CHECK(r.code == 0);
}

size_t rows(const std::string& ca, const TempDir& t) {
    const auto r = run("db list --ca " + ca + " --json", t.path());
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out)["count"].get<size_t>();
}

// Every file under `dir`, each with its contents, for "nothing written" checks.
std::string snapshot(const fs::path& dir) {
    std::string out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out += e.path().string() + "\n" + slurp(e.path()) + "\n";
    return out;
}

// A private key object's "Access:" line as pkcs11-tool prints it, for each private key on the token
// (named: with two tokens, pkcs11-tool's "first slot" is either, as SoftHSM2 numbers slots by serial).
std::vector<std::string> private_key_access(const SoftHsm& hsm, const std::string& token = "pkitool") {
    const auto objects = hsm.tool("--token-label " + token + " --list-objects --login --pin " + SoftHsm::kPin);
    std::vector<std::string> out;
    for (size_t at = objects.out.find("Private Key Object"); at != std::string::npos; at = objects.out.find("Private Key Object", at + 1)) {
        const size_t access = objects.out.find("Access:", at);
        out.push_back(objects.out.substr(access, objects.out.find('\n', access) - access));
    }
    return out;
}

}  // namespace

TEST_CASE("token CA: EC P-256, P-384 and RSA-2048 keys in a token sign the CA, a leaf and a CRL that openssl accepts", "[cli][pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    std::ofstream(t / "pin") << SoftHsm::kPin << "\n";
    for (const std::string type : {"ec:p256", "ec:p384", "rsa:2048"}) {
        INFO(type);
        const std::string name = type.substr(0, 2) + type.substr(3);  // ecp256, rsa2048
        const std::string uri = "pkcs11:token=pkitool;object=" + name;
        const auto made = with_pin("key new --type " + type + " --out '" + uri + "'" + kLib + " --json", t);
        ok(made, "key new");
        const auto j = nlohmann::json::parse(made.out);
        CHECK(j["uri"] == uri);
        CHECK(j["in_token"] == true);

        ok(with_pin("ca init --dir " + name + " --key '" + uri + "'" + kLib + " --subject 'CN=Token Root " + name + "'", t), "ca init");
        const fs::path dir = t / name;
        CHECK_FALSE(fs::exists(dir / "private" / "ca.key"));
        CHECK(slurp(dir / "key.uri") == uri + "?module-path=" + SoftHsm::kModule + "\n");
        const auto show = nlohmann::json::parse(run("ca show --ca " + name + " --json", t.path()).out);
        CHECK(show["key"] == uri + "?module-path=" + SoftHsm::kModule);
        CHECK(show["key_in_token"] == true);
        CHECK_THAT(run("ca show --ca " + name, t.path()).out, Catch::Contains("Key: in a token, " + uri));
        // The CA certificate carries the token's public key: what pkcs11-tool reads off the token
        // (OpenSC 0.23 cannot export a P-384 public key: "cannot create EVP_PKEY").
        if (type != "ec:p384") {
            must(hsm.tool("--read-object --type pubkey --label " + name + " -o " + (t / (name + ".pub.der")).string()));
            CHECK(shell("openssl pkey -pubin -inform DER -in " + name + ".pub.der", t.path()).out ==
                  shell("openssl x509 -in " + name + "/ca.crt -noout -pubkey", t.path()).out);
        }
        openssl_ok("openssl verify -x509_strict -check_ss_sig -CAfile " + name + "/ca.crt " + name + "/ca.crt", t);

        // Later commands find the module in key.uri; the PIN comes from --pin-file here.
        ok(run("issue --ca " + name + " --subject CN=leaf-" + name + " --out " + name + ".crt --key-out " + name + ".key --yes --pin-file pin", t.path()),
           "issue");
        openssl_ok("openssl verify -x509_strict -CAfile " + name + "/ca.crt " + name + ".crt", t);
        const auto serial = openssl_serial(name + ".crt", t);
        ok(run("revoke --ca " + name + " " + serial + " --reason keyCompromise", t.path()), "revoke");
        ok(with_pin("crl --ca " + name + " --out " + name + ".crl", t), "crl");
        const auto crl = shell("openssl crl -verify -noout -CAfile " + name + "/ca.crt -in " + name + ".crl", t.path());
        INFO(crl.out << crl.err);
        CHECK(crl.code == 0);
        CHECK_THAT(crl.out + crl.err, Catch::Contains("verify OK"));
        const auto revoked = shell("openssl verify -x509_strict -crl_check -CRLfile " + name + ".crl -CAfile " + name + "/ca.crt " + name + ".crt", t.path());
        CHECK(revoked.code != 0);
        CHECK_THAT(revoked.out + revoked.err, Catch::Contains("certificate revoked"));
    }
    const auto access = private_key_access(hsm);
    REQUIRE(access.size() == 3);
    for (const auto& line : access) {
        CHECK_THAT(line, Catch::Contains("never extractable"));
        CHECK_THAT(line, Catch::StartsWith("Access:     sensitive"));
    }
}

TEST_CASE("token CA: a root in a token signs intermediates whose leaves verify, renews with its key, refuses --rekey", "[cli][pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    const std::string uri = "pkcs11:token=pkitool;object=root";
    ok(with_pin("key new --type ec:p384 --out '" + uri + "'" + kLib, t), "key new");
    ok(with_pin("ca init --dir root --key '" + uri + "'" + kLib + " --subject 'CN=Token Root'", t), "ca init root");

    // An intermediate with a new file key, signed by the token root (the parent's key opened from its key.uri).
    ok(with_pin("ca init --dir sub --parent root --subject 'CN=File Issuing CA'", t), "ca init --parent");
    CHECK(mode_of(t / "sub" / "private" / "ca.key") == 0600);
    ok(run("issue --ca sub --subject CN=vm-01 --out vm-01.crt --key-out vm-01.key --yes", t.path()), "issue from sub");
    openssl_ok("openssl verify -x509_strict -CAfile root/ca.crt -untrusted sub/chain.pem vm-01.crt", t);
    CHECK(rows("root", t) == 1);

    // One with an existing key file, copied into private/ca.key.
    ok(run("key new --out sub2.key", t.path()), "key new file");
    ok(with_pin("ca init --dir sub2 --parent root --key sub2.key --subject 'CN=Second Issuing CA'", t), "ca init --key FILE");
    CHECK(mode_of(t / "sub2" / "private" / "ca.key") == 0600);
    CHECK(shell("openssl pkey -in sub2/private/ca.key -pubout", t.path()).out == shell("openssl pkey -in sub2.key -pubout", t.path()).out);
    CHECK(shell("openssl x509 -in sub2/ca.crt -noout -pubkey", t.path()).out == shell("openssl pkey -in sub2.key -pubout", t.path()).out);
    CHECK_FALSE(fs::exists(t / "sub2" / "key.uri"));
    ok(run("issue --ca sub2 --subject CN=vm-02 --out vm-02.crt --key-out vm-02.key --yes", t.path()), "issue from sub2");
    openssl_ok("openssl verify -x509_strict -CAfile root/ca.crt -untrusted sub2/chain.pem vm-02.crt", t);

    // A leaf straight from the token root, renewed by it.
    ok(with_pin("issue --ca root --subject CN=vm-03 --out vm-03.crt --key-out vm-03.key --yes", t), "issue from root");
    ok(with_pin("renew --ca root --cert vm-03.crt --out vm-03b.crt --key-out vm-03b.key --yes", t), "renew");
    openssl_ok("openssl verify -x509_strict -CAfile root/ca.crt vm-03b.crt", t);

    // The intermediate renewed by its token parent; the token root renewed with its own key.
    ok(with_pin("ca renew --dir sub --parent root --yes", t), "ca renew sub");
    openssl_ok("openssl verify -x509_strict -CAfile root/ca.crt -untrusted sub/chain.pem vm-01.crt", t);
    const auto before = slurp(t / "root" / "ca.crt");
    ok(with_pin("ca renew --dir root --yes", t), "ca renew root");
    CHECK(slurp(t / "root" / "ca.crt") != before);
    openssl_ok("openssl verify -x509_strict -CAfile root/ca.crt -untrusted sub/chain.pem vm-01.crt", t);
    openssl_ok("openssl verify -x509_strict -CAfile root/ca.crt vm-03b.crt", t);
    CHECK_FALSE(fs::exists(t / "root" / "private" / "ca.key"));

    const auto unchanged = snapshot(t / "root");
    const auto rekey = with_pin("ca renew --dir root --rekey --yes", t);
    CHECK(rekey.code == 1);
    CHECK_THAT(rekey.err, Catch::Contains("token") && Catch::Contains(uri));
    CHECK(snapshot(t / "root") == unchanged);
}

TEST_CASE("token CA: csr new signs in the token, and a token CA issues --csr and --batch", "[cli][pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    ok(with_pin("key new --type rsa:2048 --out 'pkcs11:token=pkitool;object=ca'" + kLib, t), "key new ca");
    ok(with_pin("ca init --dir ca --key 'pkcs11:token=pkitool;object=ca'" + kLib + " --subject 'CN=Token CA'", t), "ca init");

    ok(with_pin("key new --out 'pkcs11:token=pkitool;object=vm'" + kLib, t), "key new vm");
    ok(with_pin("csr new --key 'pkcs11:token=pkitool;object=vm'" + kLib + " --subject CN=vm --out vm.csr", t), "csr new");
    openssl_ok("openssl req -verify -noout -in vm.csr", t);
    must(hsm.tool("--read-object --type pubkey --label vm -o " + (t / "vm.pub.der").string()));
    const auto token_pub = shell("openssl pkey -pubin -inform DER -in vm.pub.der", t.path()).out;
    CHECK(shell("openssl req -in vm.csr -noout -pubkey", t.path()).out == token_pub);
    ok(with_pin("issue --ca ca --csr vm.csr --out vm.crt --yes", t), "issue --csr");
    openssl_ok("openssl verify -x509_strict -CAfile ca/ca.crt vm.crt", t);
    CHECK(shell("openssl x509 -in vm.crt -noout -pubkey", t.path()).out == token_pub);

    fs::create_directory(t / "fleet");
    std::ofstream(t / "fleet.csv") << "name,subject,san,key_type,days,profile\n"
                                      "vm-01,CN=vm-01,dns:vm-01.example,,,\n"
                                      "vm-02,CN=vm-02,,ec:p384,30,\n"
                                      "vm-03,CN=vm-03,,rsa:2048,,\n";
    const auto batch = with_pin("issue --ca ca --batch fleet.csv --out-dir fleet --yes --json", t);
    ok(batch, "issue --batch");
    CHECK(nlohmann::json::parse(batch.out)["issued"].size() == 3);
    for (const auto* name : {"vm-01", "vm-02", "vm-03"}) openssl_ok(std::string("openssl verify -x509_strict -CAfile ca/ca.crt fleet/") + name + ".crt", t);
    CHECK(rows("ca", t) == 4);
    CHECK(private_key_access(hsm).size() == 2);
}

TEST_CASE("token CA: a wrong PIN, no such token, several keys, a bad URI, a missing module or a used label write nothing", "[cli][pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    hsm.add_token("second");  // before the module's first use: SoftHSM2 reads its tokens once
    must(hsm.tool(std::string("--token-label pkitool --login --pin ") + SoftHsm::kPin + " --keypairgen --key-type EC:prime256v1 --label one --id 01"));
    must(hsm.tool(std::string("--token-label pkitool --login --pin ") + SoftHsm::kPin + " --keypairgen --key-type EC:prime256v1 --label two --id 02"));

    struct Case {
        std::string what, args, pin, needle;
    };
    const std::vector<Case> cases = {
        {"wrong PIN", "--key 'pkcs11:token=pkitool;object=one'" + kLib, "93814", "wrong PIN"},
        {"no such token", "--key 'pkcs11:token=nope;object=one'" + kLib, SoftHsm::kPin, "tokens present: "},
        {"several keys", "--key 'pkcs11:token=pkitool'" + kLib, SoftHsm::kPin, "several private keys match"},
        {"bad URI", "--key 'pkcs11:token=pkitool;lable=one'" + kLib, SoftHsm::kPin, "attribute 'lable=one': unknown attribute"},
        {"missing module", "--key 'pkcs11:token=pkitool;object=one' --pkcs11-lib /nonexistent.so", SoftHsm::kPin,
         "/nonexistent.so: cannot load PKCS#11 module"},
    };
    for (const auto& c : cases) {
        const auto r = with_pin("ca init --dir ca --subject CN=X " + c.args, t, c.pin);
        INFO(c.what << ": " << r.err);
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::Contains(c.needle));
        CHECK(r.err.find("93814") == std::string::npos);
        CHECK_FALSE(fs::exists(t / "ca"));
    }
    const auto none = with_pin("ca init --dir ca --subject CN=X --key 'pkcs11:token=nope;object=one'" + kLib, t);
    CHECK_THAT(none.err, Catch::Contains("'pkitool'") && Catch::Contains("'second'"));
    const auto several = with_pin("ca init --dir ca --subject CN=X --key 'pkcs11:token=pkitool'" + kLib, t);
    CHECK_THAT(several.err, Catch::Contains("'one' (id 01)") && Catch::Contains("'two' (id 02)"));

    const auto used = with_pin("key new --out 'pkcs11:token=pkitool;object=one'" + kLib, t);
    CHECK(used.code == 1);
    CHECK_THAT(used.err, Catch::Contains("already holds a key labelled 'one'"));
    CHECK(private_key_access(hsm).size() == 2);

    const auto both = with_pin("ca init --dir ca --subject CN=X --key-type ec:p384 --key 'pkcs11:token=pkitool;object=one'" + kLib, t);
    CHECK(both.code == 2);
    CHECK_FALSE(fs::exists(t / "ca"));

    // A working token CA: a wrong PIN then signs nothing and records nothing.
    ok(with_pin("ca init --dir ca --subject CN=X --key 'pkcs11:token=pkitool;object=one'" + kLib, t), "ca init");
    const auto unchanged = snapshot(t / "ca");
    const auto issue = with_pin("issue --ca ca --subject CN=vm --out vm.crt --key-out vm.key --yes", t, "93814");
    CHECK(issue.code == 1);
    CHECK_THAT(issue.err, Catch::Contains("wrong PIN"));
    CHECK(issue.err.find("93814") == std::string::npos);
    CHECK_FALSE(fs::exists(t / "vm.crt"));
    CHECK_FALSE(fs::exists(t / "vm.key"));
    const auto crl = with_pin("crl --ca ca --out ca.crl", t, "93814");
    CHECK(crl.code == 1);
    CHECK_FALSE(fs::exists(t / "ca.crl"));
    CHECK(snapshot(t / "ca") == unchanged);
    CHECK(rows("ca", t) == 0);
}

TEST_CASE("token CA: a PIN given as the URI's pin-value is used and never written or shown", "[cli][pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    const std::string pin = "84729156";  // its own token and PIN, so any trace of it is found
    must(shell("softhsm2-util --init-token --free --label vault --pin " + pin + " --so-pin " + SoftHsm::kSoPin, hsm.dir()));
    const std::string uri = "pkcs11:token=vault;object=root?pin-value=" + pin;
    std::vector<Result> outputs;
    outputs.push_back(run("key new --out '" + uri + "'" + kLib + " --json", t.path()));
    ok(outputs.back(), "key new");
    outputs.push_back(run("ca init --dir ca --key '" + uri + "'" + kLib + " --subject 'CN=Vault Root' --json", t.path()));
    ok(outputs.back(), "ca init");
    outputs.push_back(run("ca show --ca ca --json", t.path()));
    outputs.push_back(run("ca show --ca ca", t.path()));
    // Without the PIN in the URI it comes from --pin-file, as the recorded URI has none.
    std::ofstream(t / "pin") << pin << "\n";
    outputs.push_back(run("issue --ca ca --subject CN=vm --out vm.crt --key-out vm.key --yes --pin-file pin", t.path()));
    ok(outputs.back(), "issue");
    openssl_ok("openssl verify -x509_strict -CAfile ca/ca.crt vm.crt", t);
    CHECK(slurp(t / "ca" / "key.uri") == std::string("pkcs11:token=vault;object=root?module-path=") + SoftHsm::kModule + "\n");
    CHECK(snapshot(t / "ca").find(pin) == std::string::npos);
    CHECK(snapshot(t / "ca").find("pin-value") == std::string::npos);
    for (const auto& r : outputs) {
        INFO(r.out << r.err);
        CHECK(r.out.find(pin) == std::string::npos);
        CHECK(r.err.find(pin) == std::string::npos);
        CHECK(r.out.find("pin-value") == std::string::npos);
    }
    // And a wrong one in the URI is named as wrong, not shown.
    const auto wrong = run("ca init --dir ca2 --key 'pkcs11:token=vault;object=root?pin-value=11112222'" + kLib + " --subject CN=X", t.path());
    CHECK(wrong.code == 1);
    CHECK_THAT(wrong.err, Catch::Contains("wrong PIN"));
    CHECK(wrong.err.find("11112222") == std::string::npos);
    CHECK_FALSE(fs::exists(t / "ca2"));
}

TEST_CASE("token CA: a token removed mid-batch leaves the chunks before it issued, and --resume finishes", "[cli][pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    // The test module stands for SoftHSM2 and answers CKR_DEVICE_REMOVED after N signatures.
    const std::string lib = std::string(" --pkcs11-lib ") + PKITOOL_REMOVABLE_TOKEN;
    ok(with_pin("key new --type ec:p256 --out 'pkcs11:token=pkitool;object=ca'" + lib, t), "key new");
    ok(with_pin("ca init --dir ca --key 'pkcs11:token=pkitool;object=ca' --subject CN=Token-Root" + lib, t), "ca init");
    std::ofstream csv(t / "fleet.csv");
    csv << "name,subject,san,key_type,days,profile\n";
    for (int i = 1; i <= 520; ++i) csv << "vm-" << i << ",CN=vm-" << i << ",,,,\n";
    csv.close();
    // 500 rows a chunk: the token goes in the second one.
    ok(with_pin("issue --ca ca --batch fleet.csv --out-dir fleet --yes" + lib, t), "a whole batch first");
    const auto r = shell("PKITOOL_TEST_SIGNATURES_LEFT=505 PKITOOL_PIN=" + std::string(SoftHsm::kPin) + " '" PKITOOL_BINARY
                         "' issue --ca ca --batch fleet.csv --out-dir fleet2 --yes" + lib,
                         t.path());
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("the token is gone") && Catch::Contains("CKR_DEVICE_REMOVED") &&
                          Catch::Contains("rows 1 to 500 of 520 (to line 501) were issued and written; the rest were not issued") &&
                          Catch::Contains("--resume"));
    CHECK(rows("ca", t) == 520 + 500);  // the first batch, then the chunk recorded before the token went
    size_t written = 0;
    for (const auto& e : fs::directory_iterator(t / "fleet2")) written += e.path().extension() == ".crt";
    CHECK(written == 500);
    ok(with_pin("issue --ca ca --batch fleet.csv --out-dir fleet2 --yes --resume" + lib, t), "resume");
    CHECK(rows("ca", t) == 520 + 520);
    openssl_ok("openssl verify -x509_strict -CAfile ca/ca.crt fleet2/vm-1.crt fleet2/vm-520.crt", t);
}

TEST_CASE("token CA: a PIN in the URI's path is never written or shown, a failed key new leaves nothing, renew --exec gets no PIN", "[cli][pkcs11]") {
    TempDir t;
    SoftHsm hsm(t);
    // p11-kit takes pin-value in the path too.
    const auto made = shell("'" PKITOOL_BINARY "' key new --type ec:p256 --out 'pkcs11:token=pkitool;pin-value=1234;object=ca'" + kLib, t.path());
    ok(made, "key new");
    const auto init = shell("'" PKITOOL_BINARY "' ca init --dir ca --key 'pkcs11:token=pkitool;pin-value=1234;object=ca' --subject CN=Root --json" + kLib, t.path());
    ok(init, "ca init");
    const auto show = run("ca show --ca ca --json", t.path());
    for (const auto& text : {made.out + made.err, init.out + init.err, show.out + show.err, snapshot(t / "ca")}) {
        CHECK(text.find("1234") == std::string::npos);
        CHECK(text.find("pin-value") == std::string::npos);
    }
    // An id already taken: refused before a key is made, so nothing is left to block a retry.
    ok(with_pin("key new --type ec:p256 --out 'pkcs11:token=pkitool;object=other;id=%01'" + kLib, t), "key new with an id");
    const auto again = with_pin("key new --type ec:p256 --out 'pkcs11:token=pkitool;object=dup;id=%01'" + kLib, t);
    CHECK(again.code == 1);
    CHECK_THAT(again.err, Catch::Contains("already holds an object with id 01"));
    CHECK(hsm.tool(std::string("--list-objects --login --pin ") + SoftHsm::kPin).out.find("dup") == std::string::npos);
    // --passphrase-file means nothing for a token key: a usage error, not silence.
    std::ofstream(t / "pass") << "x\n";
    CHECK(with_pin("ca init --dir ca2 --key 'pkcs11:token=pkitool;object=ca' --subject CN=R2 --passphrase-file pass" + kLib, t).code == 2);
    CHECK_FALSE(fs::exists(t / "ca2"));
    // The renewal hook gets the renewed files, never the PIN pkitool was given.
    ok(with_pin("issue --ca ca --subject CN=vm --out vm.crt --key-out vm.key --days 3 --yes" + kLib, t), "issue");
    ok(with_pin("renew --ca ca --cert vm.crt --yes --exec 'env > hook.env'" + kLib, t), "renew");
    const auto hook = slurp(t / "hook.env");
    CHECK_THAT(hook, Catch::Contains("PKITOOL_RENEWED_CERT="));
    CHECK(hook.find("PKITOOL_PIN") == std::string::npos);
}
