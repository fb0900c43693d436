// The exchange side of keys in tokens (issue #11): `pkitool exchange` and the aws_signing_helper
// personality with --private-key / --certificate as pkcs11: URIs, on SoftHSM2 in a temporary
// directory. Keys are made in files, certified by pkitool, written into the token with OpenSC's
// pkcs11-tool and the files removed, so only the token can sign. Oracles: `pkitool emulate`
// (which checks every CreateSession signature and chain against its trust anchor) and Python
// `cryptography` for sign-string signatures.
#include "tests/support/background.h"
#include "tests/support/cli.h"
#include "tests/support/softhsm.h"
#include "tests/support/swtpm.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>

using namespace pkitool::test;
using nlohmann::json;

namespace {

const std::string kVerify = PKITOOL_SOURCE_DIR "/tests/support/verify_test_signature.py";
const std::string kLib = std::string(" --pkcs11-lib ") + SoftHsm::kModule;

// A private HOME and AWS files; PKITOOL_PIN only where a test sets it.
std::string env(const TempDir& t) {
    return "env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u PKITOOL_PIN HOME='" + t.path().string() +
           "' XDG_CACHE_HOME='" + (t / "cache").string() + "' AWS_CONFIG_FILE='" + (t / "aws-config").string() +
           "' AWS_SHARED_CREDENTIALS_FILE='" + (t / "aws-credentials").string() + "' ";
}

Result tool(const TempDir& t, const std::string& args, const std::string& pin = SoftHsm::kPin) {
    return shell(env(t) + (pin.empty() ? "" : "PKITOOL_PIN=" + pin + " ") + "'" PKITOOL_BINARY "' " + args, t.path());
}

// bin/aws_signing_helper -> the pkitool under test.
Result helper(const TempDir& t, const std::string& args) {
    if (!fs::exists(t / "bin/aws_signing_helper")) {
        fs::create_directories(t / "bin");
        fs::create_symlink(PKITOOL_BINARY, t / "bin/aws_signing_helper");
    }
    return shell(env(t) + "bin/aws_signing_helper " + args, t.path());
}

// Writes key and certificate files into the token under one id and label, then deletes the key file.
void into_token(const SoftHsm& hsm, const TempDir& t, const std::string& key, const std::string& cert, const std::string& id,
                const std::string& label) {
    const std::string login = std::string("--login --pin ") + SoftHsm::kPin;
    if (!key.empty()) {
        must(hsm.tool(login + " --write-object '" + (t / key).string() + "' --type privkey --id " + id + " --label " + label));
        fs::remove(t / key);
    }
    must(hsm.tool(login + " --write-object '" + (t / cert).string() + "' --type cert --id " + id + " --label " + label));
}

struct Emulator {
    explicit Emulator(const TempDir& t)
        : process("'" PKITOOL_BINARY "' emulate --anchor root-ca/ca.crt --port 0 --json", t.path(), "\"endpoint\"", 60),
          info(json::parse(process.ready_line())) {}
    std::string session() const {
        return " --trust-anchor-arn " + info["trustAnchorArn"].get<std::string>() + " --profile-arn " + info["profileArn"].get<std::string>() +
               " --role-arn " + info["roleArn"].get<std::string>() + " --endpoint " + info["endpoint"].get<std::string>();
    }
    size_t sessions() const {  // CreateSession answers emulate logged
        const auto log = process.err();
        size_t n = 0;
        for (auto at = log.find("POST /sessions 201"); at != std::string::npos; at = log.find("POST /sessions 201", at + 1)) ++n;
        return n;
    }
    Background process;
    json info;
};

void got_credentials(const Result& r, const Emulator& emulate) {
    INFO(r.err << "\nemulate: " << emulate.process.err());
    REQUIRE(r.code == 0);
    const auto c = json::parse(r.out);
    CHECK(c["Version"] == 1);
    CHECK_THAT(c["AccessKeyId"].get<std::string>(), Catch::StartsWith("ASIA"));
    CHECK_FALSE(c["SessionToken"].get<std::string>().empty());
}

// pkitool's one error line ("pkitool: error: ..."), hints after it on lines of their own.
void one_error(const Result& r, const std::string& message) {
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    const auto first = r.err.substr(0, r.err.find('\n'));
    CHECK_THAT(first, Catch::StartsWith("pkitool: error: ") && Catch::Contains(message));
    size_t errors = 0;
    for (auto at = r.err.find("error:"); at != std::string::npos; at = r.err.find("error:", at + 1)) ++errors;
    CHECK(errors == 1);
}

// A root CA, an EC P-256 leaf (id 01, label ec) and an RSA-2048 leaf (id 02, label rsa) with their
// keys in the token and only their certificates left as files.
void two_leaves(const SoftHsm& hsm, const TempDir& t) {
    make_pki(t);
    into_token(hsm, t, "ec.key", "ec.crt", "01", "ec");
    into_token(hsm, t, "rsa.key", "rsa.crt", "02", "rsa");
}

}  // namespace

TEST_CASE("token exchange: credential-process signs CreateSession in the token, EC P-256 and RSA-2048", "[cli][pkcs11][exchange]") {
    TempDir t;
    SoftHsm hsm(t);
    two_leaves(hsm, t);
    Emulator emulate(t);
    for (const std::string leaf : {"ec", "rsa"}) {
        INFO(leaf);
        const auto r = tool(t, "exchange credential-process --no-cache --certificate " + leaf + ".crt --private-key 'pkcs11:token=pkitool;object=" +
                                      leaf + "'" + kLib + emulate.session());
        got_credentials(r, emulate);
    }
    CHECK(emulate.sessions() == 2);
    // The PIN from --pin-file; the key named by id alone.
    std::ofstream(t / "pin") << SoftHsm::kPin << "\n";
    got_credentials(tool(t, "exchange credential-process --no-cache --certificate ec.crt --private-key 'pkcs11:token=pkitool;id=%01'" + kLib +
                                   " --pin-file pin" + emulate.session(), ""),
                    emulate);
    // A token key that is not the certificate's is refused before anything is sent.
    const auto wrong = tool(t, "exchange credential-process --no-cache --certificate rsa.crt --private-key 'pkcs11:token=pkitool;object=ec'" +
                                      kLib + emulate.session());
    one_error(wrong, "pkcs11:token=pkitool;object=ec: is not the key of rsa.crt");
    CHECK(emulate.sessions() == 3);
}

TEST_CASE("token exchange: sign-string with a token key verifies with the certificate's key (Python cryptography)", "[cli][pkcs11][exchange]") {
    TempDir t;
    SoftHsm hsm(t);
    two_leaves(hsm, t);
    for (const std::string leaf : {"ec", "rsa"})
        for (const std::string digest : {"SHA256", "SHA384"}) {
            INFO(leaf << " " << digest);
            // Without --certificate for EC (the key alone signs), with it for RSA (checked to match).
            const std::string cert = leaf == "rsa" ? " --certificate rsa.crt" : "";
            const auto r = tool(t, "exchange sign-string --private-key 'pkcs11:token=pkitool;object=" + leaf + "'" + cert + kLib +
                                          " --digest " + digest + " > sig.hex");
            INFO(r.err);
            REQUIRE(r.code == 0);
            const auto v = shell("python3 '" + kVerify + "' " + leaf + ".crt " + digest + " sig.hex", t.path());
            INFO(v.out << v.err);
            CHECK(v.code == 0);
            CHECK(v.out == "verified\n");
            // The other leaf's key does not verify: the oracle can fail.
            CHECK(shell("python3 '" + kVerify + "' " + std::string(leaf == "ec" ? "rsa" : "ec") + ".crt " + digest + " sig.hex", t.path()).code != 0);
        }
}

TEST_CASE("token exchange: --certificate pkcs11: with the chain from the token (root, intermediate, leaf)", "[cli][pkcs11][exchange]") {
    TempDir t;
    SoftHsm hsm(t);
    must(run("ca init --dir root-ca --subject \"CN=Token Root\"", t.path()));
    must(run("ca init --dir issuing-ca --parent root-ca --subject \"CN=Token Issuing\"", t.path()));
    must(run("issue --ca issuing-ca --subject CN=token-vm --out vm.crt --key-out vm.key --yes", t.path()));
    fs::copy_file(t / "root-ca/ca.crt", t / "root.crt");
    fs::copy_file(t / "issuing-ca/ca.crt", t / "issuing.crt");
    into_token(hsm, t, "", "root.crt", "10", "root");
    into_token(hsm, t, "", "issuing.crt", "11", "issuing");
    into_token(hsm, t, "vm.key", "vm.crt", "01", "vm");
    Emulator emulate(t);  // trusts the root only: the intermediate must come from the token

    // Certificate, chain and key (the one of the same label) all from the token.
    got_credentials(tool(t, "exchange credential-process --no-cache --certificate 'pkcs11:token=pkitool;object=vm'" + kLib + emulate.session()),
                    emulate);
    // The leaf as a file and no --intermediates: the same service refuses it, so the token's
    // intermediate is what made the difference above.
    const auto bare = tool(t, "exchange credential-process --no-cache --certificate vm.crt --private-key 'pkcs11:token=pkitool;object=vm'" +
                                     kLib + emulate.session());
    CHECK(bare.code == 1);
    CHECK_THAT(bare.err, Catch::Contains("AccessDeniedException"));
    // aws_signing_helper's way of writing it (pin-value in the URI) works the same.
    got_credentials(helper(t, "credential-process --certificate 'pkcs11:token=pkitool;object=vm?pin-value=1234'" + kLib + emulate.session()),
                    emulate);

    // read-certificate-data lists what the URI matches: all three for the token alone.
    const auto listed = tool(t, "exchange read-certificate-data --certificate 'pkcs11:token=pkitool'" + kLib + " --json", "");
    INFO(listed.err);
    REQUIRE(listed.code == 0);
    const auto all = json::parse(listed.out);
    REQUIRE(all.size() == 3);
    std::set<std::string> uris, subjects;
    for (const auto& c : all) uris.insert(c["uri"].get<std::string>()), subjects.insert(c["subject"].get<std::string>());
    CHECK(uris == std::set<std::string>{"pkcs11:token=pkitool;object=root;id=%10;type=cert", "pkcs11:token=pkitool;object=issuing;id=%11;type=cert",
                                        "pkcs11:token=pkitool;object=vm;id=%01;type=cert"});
    CHECK(subjects == std::set<std::string>{"CN=Token Root", "CN=Token Issuing", "CN=token-vm"});
    const auto one = tool(t, "exchange read-certificate-data --certificate 'pkcs11:token=pkitool;object=vm'" + kLib, "");
    INFO(one.err);
    CHECK(one.code == 0);
    CHECK_THAT(one.out, Catch::StartsWith("uri: pkcs11:token=pkitool;object=vm;id=%01;type=cert\nsubject: CN=token-vm\nkey type: EC\n"));
    CHECK_THAT(one.out, Catch::Contains("serial (decimal): "));
    // The helper's listing; the serial as openssl reads it.
    const auto h = helper(t, "read-certificate-data --certificate 'pkcs11:token=pkitool;object=vm'" + kLib);
    INFO(h.err);
    CHECK(h.code == 0);
    auto serial = openssl_serial("vm.crt", t);
    serial.erase(0, serial.find_first_not_of('0'));
    CHECK_THAT(h.out, Catch::StartsWith("Matching identities\n1) Hex Fingerprint: ") && Catch::Contains("\nSubject: CN=token-vm\n") &&
                          Catch::Contains("\nSerial Number: " + serial + "\n") &&
                          Catch::Contains("\nURI: pkcs11:token=pkitool;object=vm;id=%01;type=cert\n"));
    // None in public view, none after a login either (the helper logs in only with a PIN given).
    CHECK(helper(t, "read-certificate-data --certificate 'pkcs11:token=pkitool;object=none?pin-value=1234'" + kLib).out ==
          "No matching identities\n");
}

TEST_CASE("token exchange: each token failure is one error line, exit 1, and never shows the PIN", "[cli][pkcs11][exchange]") {
    TempDir t;
    SoftHsm hsm(t);
    two_leaves(hsm, t);
    const std::string sign = "exchange sign-string --certificate ec.crt --private-key ";
    one_error(tool(t, sign + "'pkcs11:token=nosuch;object=ec'" + kLib), "no matching slots");
    one_error(tool(t, sign + "'pkcs11:token=pkitool;object=missing'" + kLib), "unable to find matching private key");
    one_error(tool(t, sign + "'pkcs11:token=pkitool;lable=ec'" + kLib), "attribute 'lable=ec'");
    one_error(tool(t, sign + "'pkcs11:token=pkitool;object=ec' --pkcs11-lib /nonexistent/libnothing.so"),
              "/nonexistent/libnothing.so: cannot load PKCS#11 module");
    const auto wrong = tool(t, sign + "'pkcs11:token=pkitool;object=ec'" + kLib, "98765");
    one_error(wrong, "token 'pkitool': wrong PIN");
    CHECK_THAT(wrong.err, !Catch::Contains("98765"));
    const auto in_uri = tool(t, sign + "'pkcs11:token=pkitool;object=ec?pin-value=98765'" + kLib, "");
    one_error(in_uri, "wrong PIN");
    CHECK_THAT(in_uri.err, !Catch::Contains("98765"));
    // No PIN anywhere and no terminal to ask on.
    one_error(tool(t, sign + "'pkcs11:token=pkitool;object=ec'" + kLib, ""), "token 'pkitool' needs a PIN");

    // The helper's personality: one log line each, exit 1.
    const std::regex log_line(R"(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d [^\n]+\n)");
    for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
             {"'pkcs11:token=nosuch;object=ec'", "no matching slots"},
             {"'pkcs11:token=pkitool;object=missing?pin-value=1234'", "unable to find matching private key"},
             {"'pkcs11:token=pkitool;object=ec?pin-value=98765'", "wrong PIN"},
             {"'pkcs11:token=pkitool;object=ec'", "needs a PIN"}}) {
        const auto r = helper(t, "sign-string --private-key " + args + kLib);
        INFO(args << "\n" << r.err);
        CHECK(r.code == 1);
        CHECK(std::regex_match(r.err, log_line));
        CHECK_THAT(r.err, Catch::Contains(message) && !Catch::Contains("98765"));
    }
}

TEST_CASE("token exchange: the helper personality signs with a token key (--reuse-pin accepted)", "[cli][pkcs11][helper]") {
    TempDir t;
    SoftHsm hsm(t);
    two_leaves(hsm, t);
    Emulator emulate(t);
    const auto r = helper(t, "credential-process --certificate rsa.crt --private-key 'pkcs11:token=pkitool;object=rsa?pin-value=1234' --reuse-pin" +
                                 kLib + emulate.session());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.back() == '}');  // the helper's bytes: no newline
    got_credentials(r, emulate);
    const auto s = helper(t, "sign-string --private-key 'pkcs11:token=pkitool;object=ec?pin-value=1234' --format text --digest SHA384" + kLib +
                                 " > sig.hex");
    INFO(s.err);
    REQUIRE(s.code == 0);
    CHECK(shell("python3 '" + kVerify + "' ec.crt SHA384 sig.hex", t.path()).out == "verified\n");
}

TEST_CASE("token exchange: the PIN is asked once on the terminal, however often the token is used", "[cli][pkcs11][exchange]") {
    TempDir t;
    SoftHsm hsm(t);
    two_leaves(hsm, t);
    Emulator emulate(t);
    // serve loads the identity at start and again for its first CreateSession; `timeout` ends it.
    const auto r = on_terminal(env(t) + "timeout --foreground 8 '" PKITOOL_BINARY "' exchange serve --port 0 --certificate ec.crt --private-key "
                               "'pkcs11:token=pkitool;object=ec'" + kLib + emulate.session() + " 2>&1",
                               {SoftHsm::kPin}, t.path());
    INFO(r.out << "\nemulate: " << emulate.process.err());
    size_t prompts = 0;
    for (auto at = r.out.find("PIN for token 'pkitool': "); at != std::string::npos; at = r.out.find("PIN for token", at + 1)) ++prompts;
    CHECK(prompts == 1);
    CHECK_THAT(r.out, Catch::Contains("serving credentials for role") && !Catch::Contains(SoftHsm::kPin));
    CHECK(emulate.sessions() == 1);
}

TEST_CASE("token exchange: keys in a software TPM get credentials: tpm2-pkcs11 URI, TSS2 key file, persistent handle", "[cli][tpm][exchange]") {
    TempDir t;
    SwTpm tpm(t);
    make_pki(t);
    Emulator emulate(t);
    const std::string lib = std::string(" --pkcs11-lib ") + SwTpm::kModule;
    // 1. A key made in the TPM's PKCS#11 token by pkitool, its CSR signed there too.
    const std::string uri = "'pkcs11:token=tpm;object=vm'";
    must(tool(t, "key new --type ec:p256 --out " + uri + lib));
    must(tool(t, "csr new --key " + uri + lib + " --subject CN=tpm-vm --out vm.csr"));
    must(tool(t, "issue --ca root-ca --csr vm.csr --out vm.crt --yes"));
    got_credentials(tool(t, "exchange credential-process --no-cache --certificate vm.crt --private-key " + uri + lib + emulate.session()), emulate);

    // 2. A TSS2 key file made by another implementation (tpm2-openssl), sealed to the owner hierarchy.
    must(tpm.run("openssl genpkey -provider tpm2 -algorithm EC -pkeyopt group:P-256 -out tss.pem && "
                 "openssl req -new -provider tpm2 -provider default -key tss.pem -subj /CN=tss-vm -out tss.csr",
                 t.path()));
    must(tool(t, "issue --ca root-ca --csr tss.csr --out tss.crt --yes"));
    got_credentials(tool(t, "exchange credential-process --no-cache --certificate tss.crt --private-key tss.pem --no-tpm-key-password" + emulate.session()),
                    emulate);
    got_credentials(helper(t, "credential-process --certificate tss.crt --private-key tss.pem" + emulate.session()), emulate);
    // The same certificate with another TPM key is refused before any request.
    one_error(tool(t, "exchange credential-process --no-cache --certificate vm.crt --private-key tss.pem --no-tpm-key-password" + emulate.session()),
              "is not the key of vm.crt");

    // 3. A persistent handle with a password, certified through its public key (openssl -force_pubkey).
    must(tpm.run("tpm2_createprimary -Q -C o -c p.ctx && tpm2_create -Q -C p.ctx -G ecc256 -p s3cret -u h.pub -r h.priv && "
                 "tpm2_load -Q -C p.ctx -u h.pub -r h.priv -c h.ctx && tpm2_evictcontrol -Q -C o -c h.ctx 0x81000020 && "
                 "tpm2_readpublic -Q -c 0x81000020 -f pem -o h.pem && "
                 "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout /dev/null -subj /CN=handle-vm -out any.csr 2>/dev/null && "
                 "printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\nextendedKeyUsage=clientAuth\\n' > leaf.ext && "
                 "openssl x509 -req -in any.csr -force_pubkey h.pem -CA root-ca/ca.crt -CAkey root-ca/private/ca.key -CAcreateserial -days 30 "
                 "-sha256 -extfile leaf.ext -out handle.crt",
                 t.path()));
    got_credentials(tool(t, "exchange credential-process --no-cache --certificate handle.crt --private-key handle:0x81000020 --tpm-key-password s3cret" +
                                emulate.session()),
                    emulate);
    const auto wrong = tool(t, "exchange credential-process --no-cache --certificate handle.crt --private-key handle:0x81000020 --tpm-key-password nope" +
                                   emulate.session());
    one_error(wrong, "handle:0x81000020: wrong TPM key password");
    CHECK(emulate.sessions() == 4);
}
