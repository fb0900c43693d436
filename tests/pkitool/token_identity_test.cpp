// The exchange identity with a key in a token (issue #11): opened once per process, whatever
// reads it again (serve and update reload the identity when a certificate file changes).
#include "base/error.h"
#include "pkitool/exchange_options.h"
#include "tests/support/softhsm.h"

#include <botan/x509cert.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

using namespace pkitool;
using namespace pkitool::test;

namespace {

// An EC key and its self-signed certificate made by openssl, both then written into the token
// (id 01, label vm; the token finds the key's public half in the certificate) and the key file removed.
void key_in_token(const SoftHsm& hsm, const TempDir& t) {
    must(shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout vm.key -subj /CN=vm -days 2 -out vm.crt", t.path()));
    must(shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -subj /CN=other -days 2 -out other.crt",
               t.path()));
    for (const std::string type : {"privkey", "cert"})
        must(hsm.tool(std::string("--login --pin ") + SoftHsm::kPin + " --write-object " + (type == "cert" ? "vm.crt" : "vm.key") + " --type " +
                      type + " --id 01 --label vm"));
    fs::remove(t / "vm.key");
}

struct Parsed {
    CLI::App app;
    cli::ExchangeOptions options;
    explicit Parsed(const TempDir& t, const std::string& cert) {
        options.add(app);
        std::vector<std::string> args{"--certificate", (t / cert).string(), "--private-key", "pkcs11:token=pkitool;object=vm",
                                      "--pkcs11-lib", SoftHsm::kModule, "--trust-anchor-arn",
                                      "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta", "--profile-arn",
                                      "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p", "--role-arn", "arn:aws:iam::123456789012:role/r"};
        std::reverse(args.begin(), args.end());  // CLI11 takes them last first
        app.parse(args);
    }
};

}  // namespace

TEST_CASE("token identity: the token key is opened once and kept across reloads", "[pkcs11][exchange]") {
    TempDir t;
    SoftHsm hsm(t);
    key_in_token(hsm, t);
    ::setenv("PKITOOL_PIN", SoftHsm::kPin, 1);  // SoftHsm restores it
    Parsed p(t, "vm.crt");
    const auto first = p.options.identity();
    CHECK(first.key.token_uri() == "pkcs11:token=pkitool;object=vm");
    CHECK(first.certificate_path == (t / "vm.crt").string());
    fs::copy_file(t / "vm.crt", t / "vm.new");
    fs::rename(t / "vm.new", t / "vm.crt");  // a renewal written by rename: a new inode
    const auto again = p.options.identity();
    CHECK(&again.key.botan() == &first.key.botan());
    CHECK(again.leaf == first.leaf);

    // Another certificate beside the same token key: refused by the signature check.
    Parsed wrong(t, "other.crt");
    try {
        wrong.options.identity();
        FAIL("a key that is not the certificate's was accepted");
    } catch (const Error& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("pkcs11:token=pkitool;object=vm: is not the key of"));
    }
}
