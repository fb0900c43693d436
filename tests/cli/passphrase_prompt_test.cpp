// The passphrase of an encrypted key asked on the terminal: a pseudo-terminal driven by Python's
// pty module types the answer once the prompt is there, and sees everything the terminal shows.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;

namespace {

struct Keys {
    TempDir t;
    Keys() {
        std::ofstream(t / "pass") << "correct horse\n";
        run_ok("key new --out vm.key --passphrase-file pass", t);
    }
    // COMMAND on a terminal where ANSWER is typed at the prompt; `pkitool` in it is the binary under
    // test, written without quotes so that it may stand inside a quoted `bash -c '...'`.
    Result on_terminal(const std::string& command, const std::string& answer) const {
        std::string cmd;
        for (size_t from = 0;;) {
            const auto at = command.find("pkitool ", from);
            cmd += command.substr(from, at - from);
            if (at == std::string::npos) break;
            cmd += std::string(PKITOOL_BINARY) + " ";
            from = at + 8;
        }
        return pkitool::test::on_terminal(cmd, {answer}, t.path());
    }
};

}  // namespace

TEST_CASE("passphrase prompt: the right passphrase works and is never shown", "[cli][passphrase]") {
    Keys k;
    const auto r = k.on_terminal("pkitool key public vm.key > vm.pub 2> err.txt", "correct horse");
    INFO(r.out << slurp(k.t / "err.txt"));
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("Passphrase for vm.key: "));
    CHECK_THAT(r.out, !Catch::Contains("correct") && !Catch::Contains("horse"));  // not echoed
    // The prompt went to the terminal, not to stdout: the public key is all that was written there.
    CHECK(slurp(k.t / "vm.pub") == shell("openssl pkey -in vm.key -passin pass:'correct horse' -pubout", k.t.path()).out);
    CHECK(slurp(k.t / "err.txt").empty());

    // The CA key of issue, and key show, csr new: the same prompt, each naming its key.
    run_ok("ca init --dir ca --subject CN=Root --passphrase-file pass", k.t);
    const auto issued = k.on_terminal("pkitool issue --ca ca --subject CN=vm --out vm.crt --key-out new.key --yes 2> err.txt", "correct horse");
    INFO(issued.out << slurp(k.t / "err.txt"));
    CHECK(issued.code == 0);
    CHECK_THAT(issued.out, Catch::Contains("Passphrase for ca/private/ca.key: "));
    CHECK(shell("openssl verify -CAfile ca/ca.crt vm.crt", k.t.path()).code == 0);
    const auto shown = k.on_terminal("pkitool key show vm.key --json > show.json", "correct horse");
    CHECK(shown.code == 0);
    CHECK(nlohmann::json::parse(slurp(k.t / "show.json"))["encrypted"] == true);
    CHECK(k.on_terminal("pkitool csr new --key vm.key --subject CN=vm --out vm.csr", "correct horse").code == 0);
    CHECK(shell("openssl req -in vm.csr -noout -verify", k.t.path()).code == 0);
    // Standard input holds the key; the answer still comes from the terminal.
    const auto piped = k.on_terminal("cat vm.key | pkitool key public - > piped.pub", "correct horse");
    CHECK(piped.code == 0);
    CHECK(slurp(k.t / "piped.pub") == slurp(k.t / "vm.pub"));
}

TEST_CASE("passphrase prompt: ca import stores the key under the passphrase typed", "[cli][passphrase]") {
    Keys k;
    must(shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj /CN=Old -days 30 -keyout old.key "
               "-passout pass:typed -out old.crt -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null",
               k.t.path()));
    const auto r = k.on_terminal("pkitool ca import --dir new --cert old.crt --key old.key 2> err.txt", "typed");
    INFO(r.out << slurp(k.t / "err.txt"));
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("Passphrase for old.key: "));
    // Encrypted with it, as with --passphrase-file: openssl opens it with that passphrase only.
    CHECK_THAT(slurp(k.t / "new/private/ca.key"), Catch::StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    CHECK(shell("openssl pkey -in new/private/ca.key -passin pass:typed -noout", k.t.path()).code == 0);
}

TEST_CASE("passphrase prompt: a wrong passphrase fails and writes nothing", "[cli][passphrase]") {
    Keys k;
    const auto r = k.on_terminal("pkitool key public vm.key --out vm.pub 2> err.txt", "wrong");
    CHECK(r.code == 1);
    CHECK_THAT(slurp(k.t / "err.txt"), Catch::Contains("vm.key: cannot decrypt private key: wrong passphrase"));
    CHECK_FALSE(fs::exists(k.t / "vm.pub"));
    // Nothing typed (Enter alone) is no passphrase: the usual refusal, with its hint.
    const auto empty = k.on_terminal("pkitool key public vm.key --out vm.pub 2> err.txt", "");
    CHECK(empty.code == 1);
    CHECK_THAT(slurp(k.t / "err.txt"), Catch::Contains("vm.key: private key is encrypted"));
    CHECK_FALSE(fs::exists(k.t / "vm.pub"));
}

TEST_CASE("passphrase prompt: Ctrl-C at the prompt leaves the terminal echoing", "[cli][passphrase]") {
    Keys k;
    // bash waits for pkitool, then records the terminal's settings (stty reads them from stdin).
    const auto r = k.on_terminal(
        "exec bash -c 'trap \"stty -a > stty.txt; exit 130\" INT; pkitool key public vm.key --out vm.pub 2> err.txt; stty -a > stty.txt'", "^C");
    INFO(r.out << slurp(k.t / "stty.txt"));
    CHECK(r.code == 130);
    const auto stty = slurp(k.t / "stty.txt");
    REQUIRE_FALSE(stty.empty());
    CHECK_THAT(stty, Catch::Contains(" echo ") && !Catch::Contains("-echo "));
    CHECK_FALSE(fs::exists(k.t / "vm.pub"));
}

TEST_CASE("passphrase prompt: with no terminal, the refusal and its hint, and nothing written", "[cli][passphrase]") {
    Keys k;
    // No controlling terminal at all (setsid), as in CI.
    auto r = shell("env -u PKITOOL_PASSPHRASE setsid -w '" PKITOOL_BINARY "' key public vm.key --out vm.pub", k.t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("pkitool: error: vm.key: private key is encrypted\n"
                                      "hint: give its passphrase with --passphrase-file FILE or PKITOOL_PASSPHRASE"));
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(k.t / "vm.pub"));
    // A terminal is there but stdin and stderr are redirected: a script's run, refused at once
    // rather than left waiting on the terminal.
    const auto scripted = k.on_terminal("pkitool key public vm.key --out vm.pub < /dev/null 2> err.txt", "never typed");
    CHECK(scripted.code == 1);
    CHECK_THAT(scripted.out, !Catch::Contains("Passphrase for"));
    CHECK_THAT(slurp(k.t / "err.txt"), Catch::Contains("vm.key: private key is encrypted"));
    CHECK_FALSE(fs::exists(k.t / "vm.pub"));
    // New keys are never asked for: without a passphrase file `key new` writes an unencrypted key.
    const auto fresh = k.on_terminal("pkitool key new --out fresh.key 2> err.txt", "never typed");
    CHECK(fresh.code == 0);
    CHECK_THAT(fresh.out, !Catch::Contains("Passphrase for"));
    CHECK_THAT(slurp(k.t / "fresh.key"), Catch::StartsWith("-----BEGIN PRIVATE KEY-----"));
}

// aws_signing_helper asks on the terminal for an encrypted --private-key given no --pkcs8-password;
// pkitool does the same under both names, once per process.
TEST_CASE("passphrase prompt: the exchange asks for an encrypted --private-key, once, under both names", "[cli][passphrase][exchange]") {
    Keys k;
    must(shell("openssl req -new -x509 -key vm.key -passin file:pass -subj /CN=vm -days 30 -out vm.crt", k.t.path()));
    fs::create_symlink(PKITOOL_BINARY, k.t / "aws_signing_helper");
    for (const std::string command : {"pkitool exchange sign-string --certificate vm.crt --private-key vm.key > sig.txt",
                                      "./aws_signing_helper sign-string --certificate vm.crt --private-key vm.key --format text > sig.txt"}) {
        INFO(command);
        fs::remove(k.t / "sig.txt");
        const auto r = k.on_terminal(command, "correct horse");
        INFO(r.out);
        CHECK(r.code == 0);
        CHECK(r.out.find("Passphrase for vm.key: ") != std::string::npos);
        CHECK(r.out.find("Passphrase for", r.out.find("Passphrase for") + 1) == std::string::npos);  // asked once
        CHECK_THAT(r.out, !Catch::Contains("horse"));
        // A DER ECDSA signature in hex (its bytes are checked by Python in signing_helper_test).
        const std::string sig = slurp(k.t / "sig.txt");
        CHECK(sig.rfind("30", 0) == 0);
        CHECK(sig.find_first_not_of("0123456789abcdef\n") == std::string::npos);  // pkitool ends the line, the helper does not
        const auto wrong = k.on_terminal(command, "wrong horse");
        CHECK(wrong.code == 1);
    }
}
