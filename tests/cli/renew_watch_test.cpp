// renew --watch (issue #13): a long-running loop that renews when due, checks now on SIGHUP and
// stops on SIGTERM; and the README's systemd units, whose ExecStart lines are run as written there
// (paths moved into a temporary directory). Oracle: openssl x509 -serial and verify.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

using namespace pkitool::test;

namespace {

// The README's `ExecStart=/usr/local/bin/pkitool ...` line that contains `marker`, with the
// binary and the example paths replaced by the test's own.
std::string exec_start(const std::string& marker, const TempDir& t) {
    std::ifstream readme(PKITOOL_SOURCE_DIR "/README.md");
    std::string line;
    while (std::getline(readme, line)) {
        if (line.rfind("ExecStart=/usr/local/bin/pkitool ", 0) != 0 || line.find(marker) == std::string::npos) continue;
        line = line.substr(std::string("ExecStart=").size());
        line = std::regex_replace(line, std::regex("^/usr/local/bin/pkitool"), "'" PKITOOL_BINARY "'");
        line = std::regex_replace(line, std::regex("/var/lib/pkitool/ca"), (t / "ca").string());
        return std::regex_replace(line, std::regex("/etc/pkitool/host\\.crt"), (t / "host.crt").string());
    }
    FAIL("README.md has no ExecStart line with " << marker);
    return {};
}

// Runs `script` with the watch started in the background as $pid; its stderr goes to watch.err.
// `systemctl` on PATH is a stand-in that logs its arguments and the renewed serial.
Result with_watch(const std::string& command, const std::string& script, const TempDir& t) {
    std::ofstream(t / "bin-systemctl") << "#!/bin/sh\necho \"$* $PKITOOL_RENEWED_SERIAL\" >> " << (t / "systemctl.log").string() << "\n";
    shell("mkdir -p bin && mv bin-systemctl bin/systemctl && chmod 755 bin/systemctl", t.path());
    return shell("PATH=\"$PWD/bin:$PATH\"; " + command + " 2> watch.err & pid=$!\n"
                 "until_in() { for i in $(seq 400); do grep -q \"$1\" \"$2\" 2>/dev/null && return 0; sleep 0.05; done; return 1; }\n" + script,
                 t.path());
}

size_t lines_of(const fs::path& p) {
    std::ifstream in(p);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

}  // namespace

TEST_CASE("renew --watch from the README's service: renews when due, again on SIGHUP, stops on SIGTERM with exit 0", "[cli][renew][watch]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    run_ok("issue --ca ca --subject CN=host --san dns:host.example --days 30 --out host.crt --key-out host.key --yes", t);
    const auto first = openssl_serial("host.crt", t);
    // Due at once: 40 days left is more than the 30-day lifetime, which the renewal keeps, so it
    // is due again at every check (the warning says so) and SIGHUP shows a second renewal.
    const auto r = with_watch(exec_start("--watch", t) + " --expires-in 40d",
                              // "renewed X as Y: wrote F" once F is written; the warning above
                              // says "renewed at every check" before the pass signs anything.
                              "until_in ' as .*: wrote ' watch.err || echo 'no first renewal'\n"
                              "cp host.crt first-renewal.crt\n"
                              "until_in 'systemctl\\|^reload' systemctl.log || echo 'no exec'\n"
                              "kill -HUP $pid; until_in 'SIGHUP: checking now' watch.err || echo 'no SIGHUP'\n"
                              "for i in $(seq 400); do [ $(grep -c ' as .*: wrote ' watch.err) -ge 2 ] && break; sleep 0.05; done\n"
                              "kill -TERM $pid; wait $pid; echo \"exit $?\"",
                              t);
    INFO(r.out << slurp(t / "watch.err"));
    CHECK_THAT(r.out, Catch::Contains("exit 0") && !Catch::Contains("no "));
    const auto err = slurp(t / "watch.err");
    CHECK_THAT(err, Catch::Contains("watching " + (t / "host.crt").string()) && Catch::Contains("stopped"));
    CHECK_THAT(err, Catch::Contains("renewed at every check"));
    const auto second = openssl_serial("first-renewal.crt", t), third = openssl_serial("host.crt", t);
    CHECK(second != first);
    CHECK(third != second);
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt host.crt", t.path()).code == 0);
    // --exec ran once per renewal, with the new serial in the environment.
    const auto log = slurp(t / "systemctl.log");
    CHECK_THAT(log, Catch::Contains("reload nginx " + second) && Catch::Contains("reload nginx " + third));
    CHECK(lines_of(t / "systemctl.log") == 2);
    CHECK_THAT(run("db show --ca ca " + second, t.path()).out, Catch::Contains("Superseded by: " + third));
}

TEST_CASE("renew --watch leaves a certificate that is not due alone, and SIGINT stops it too", "[cli][renew][watch]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    run_ok("issue --ca ca --subject CN=host --days 30 --out host.crt --key-out host.key --yes", t);
    const auto before = openssl_serial("host.crt", t);
    const auto r = with_watch(exec_start("--watch", t),
                              "until_in 'watching' watch.err || echo 'not watching'\n"
                              "kill -HUP $pid; until_in 'SIGHUP: checking now' watch.err || echo 'no SIGHUP'\n"
                              "sleep 0.3; kill -INT $pid; wait $pid; echo \"exit $?\"",
                              t);
    INFO(r.out << slurp(t / "watch.err"));
    CHECK(r.out.find("exit 0") != std::string::npos);
    CHECK(openssl_serial("host.crt", t) == before);
    CHECK_FALSE(fs::exists(t / "systemctl.log"));
    CHECK_THAT(slurp(t / "watch.err"), !Catch::Contains("renewed "));
}

TEST_CASE("renew --watch: what it refuses before it starts", "[cli][renew][watch]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    run_ok("issue --ca ca --subject CN=host --days 30 --out host.crt --key-out host.key --yes", t);
    const auto serial = openssl_serial("host.crt", t);
    for (const auto& [args, words] : std::vector<std::pair<std::string, std::string>>{
             {"--cert host.crt --watch", "give --yes"},
             {"--serial " + serial + " --watch --yes", "not a serial"},
             {"--cert host.crt --watch --yes --dry-run", "--watch goes without"},
             {"--cert host.crt --watch --yes --interval 0s", "--interval 0s"},
             {"--cert host.crt --watch --yes --interval soon", "--interval soon"},
             {"--cert host.crt --watch --yes --interval 999999999w", "at most a year"},
             {"--cert host.crt --interval 1h --yes", "--interval goes with --watch"},
             {"--cert host.crt --expires-in 10d --yes", "--expires-in goes with --due"}}) {
        const auto r = run("renew --ca ca " + args, t.path());
        INFO(args << "\n" << r.err);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains(words));
    }
    CHECK(openssl_serial("host.crt", t) == serial);
}

TEST_CASE("renew --due from the README's timer unit: nothing due, then everything due", "[cli][renew][watch]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    run_ok("issue --ca ca --subject CN=a --days 30 --out a.crt --key-out a.key --yes", t);
    run_ok("issue --ca ca --subject CN=b --days 30 --out b.crt --key-out b.key --yes", t);
    const auto a = openssl_serial("a.crt", t), b = openssl_serial("b.crt", t);
    const auto line = exec_start("--due", t);
    const auto none = shell(line, t.path());
    INFO(none.err);
    CHECK(none.code == 0);
    CHECK(openssl_serial("a.crt", t) == a);
    const auto all = shell(line + " --expires-in 31d", t.path());
    INFO(all.err);
    CHECK(all.code == 0);
    CHECK(openssl_serial("a.crt", t) != a);
    CHECK(openssl_serial("b.crt", t) != b);
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt a.crt b.crt", t.path()).code == 0);
}
