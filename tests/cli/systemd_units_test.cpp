// The systemd units in pkitool/systemd/ (issue #15): `systemd-analyze verify` accepts each with no
// warning, `systemd-analyze security` rates each service's exposure low, and each service's
// ExecStart= line, as written, runs: its environment file's $PKITOOL_FLAGS split as systemd splits
// an unbraced variable (systemd.service(5), "Command lines"), %i the instance, and /usr/bin/pkitool
// the binary under test.
#include "tests/support/emulate.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace pkitool::test;

namespace {

const fs::path kUnits = fs::path(PKITOOL_SOURCE_DIR) / "pkitool/systemd";
const std::vector<std::string> kUnitFiles = {"pkitool-serve@.service", "pkitool-update@.service", "pkitool-update@.timer",
                                             "pkitool-renew@.service", "pkitool-renew@.timer"};

// The values of `key=` lines in a unit's [Service] section, in order.
std::vector<std::string> values(const std::string& unit, const std::string& key) {
    std::vector<std::string> out;
    std::istringstream in(unit);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + "=", 0) == 0) out.push_back(line.substr(key.size() + 1));
    return out;
}

std::vector<std::string> words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::string quoted(const std::string& s) { return "'" + replace_all(s, "'", "'\\''") + "'"; }

// The shell command that runs `unit`'s ExecStart= for `instance` with PKITOOL_FLAGS = `flags` and
// the unit's Environment= lines (overridden by `env`, as EnvironmentFile= overrides them).
std::string exec_start(const std::string& unit_file, const std::string& instance, const std::string& flags,
                       const std::map<std::string, std::string>& env = {}) {
    const auto unit = slurp(kUnits / unit_file);
    const auto exec = values(unit, "ExecStart");
    REQUIRE(exec.size() == 1);
    std::map<std::string, std::string> environment;
    for (const auto& e : values(unit, "Environment")) environment[e.substr(0, e.find('='))] = replace_all(e.substr(e.find('=') + 1), "%i", instance);
    for (const auto& [k, v] : env) environment[k] = v;
    std::string command = "env";
    for (const auto& [k, v] : environment) command += " " + quoted(k + "=" + v);
    for (const auto& w : words(replace_all(exec[0], "%i", instance))) {
        if (w == "$PKITOOL_FLAGS") {
            for (const auto& f : words(flags)) command += " " + quoted(f);
        } else {
            REQUIRE(w.find('$') == std::string::npos);  // the only variable the units use
            command += " " + quoted(w == "/usr/bin/pkitool" ? std::string(PKITOOL_BINARY) : w);
        }
    }
    return command;
}

}  // namespace

TEST_CASE("systemd units: systemd-analyze verify accepts each without a warning, and rates each service's exposure low", "[cli][systemd]") {
    TempDir t;
    // The unit path is this directory alone: systemd's own units (verify needs sysinit.target and
    // the like), never whatever else the machine has installed.
    const auto linked = shell("for f in $(dpkg -L systemd | grep -E '^/lib/systemd/system/[^/]+$'); do ln -s \"$f\" . || exit 1; done", t.path());
    REQUIRE(linked.code == 0);
    const std::string unit_path = "SYSTEMD_UNIT_PATH='" + t.path().string() + "' ";
    // Instances of the templates, with ExecStart= pointing at this build (verify checks the binary exists).
    for (const auto& f : kUnitFiles) {
        std::ofstream(t / replace_all(f, "@.", "@test.")) << replace_all(slurp(kUnits / f), "/usr/bin/pkitool", PKITOOL_BINARY);
    }
    for (const auto& f : kUnitFiles) {
        const auto instance = replace_all(f, "@.", "@test.");
        const auto r = shell(unit_path + "systemd-analyze verify --man=no '" + (t / instance).string() + "'", t.path());
        INFO(instance << "\n" << r.out << r.err);
        CHECK(r.code == 0);
        CHECK(r.err.empty());
        if (f.find(".service") == std::string::npos) continue;
        // --threshold counts tenths: 20 is an overall exposure of 2.0 ("OK"; 10.0 is "UNSAFE").
        const auto s = shell(unit_path + "systemd-analyze security --offline=yes --threshold=20 '" + (t / instance).string() + "'", t.path());
        INFO(s.out << s.err);
        CHECK(s.code == 0);
        // Each hardening setting the issue asks for is there as written.
        const auto unit = slurp(kUnits / f);
        for (const auto& line : {"User=pkitool", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "CapabilityBoundingSet=\n"})
            CHECK_THAT(unit, Catch::Contains(line));
    }
    // The timers start their own template's instance.
    CHECK(values(slurp(kUnits / "pkitool-update@.timer"), "Unit").empty());
    // The user exists by sysusers.d(5); systemd-sysusers reads the file as the package installs it.
    const auto users = shell("systemd-sysusers --dry-run --root='" + t.path().string() + "' '" + (kUnits / "pkitool.sysusers").string() + "'", t.path());
    INFO(users.out << users.err);
    CHECK(users.code == 0);
    CHECK_THAT(users.out + users.err, Catch::Contains("pkitool"));
}

TEST_CASE("systemd units: each service's ExecStart line runs as written", "[cli][systemd]") {
    if (!fs::exists("/usr/bin/aws")) FAIL("/usr/bin/aws (Debian awscli) is required; run .ci/install-deps");
    TempDir t;
    must(run("ca init --dir ca --subject \"CN=Units Root\"", t.path()));
    must(run("issue --ca ca --subject CN=vm --out vm.crt --key-out vm.key --days 3 --yes", t.path()));
    Emulate e("--anchor ca/ca.crt", t);
    const std::string exchange = "--certificate " + (t / "vm.crt").string() + " --private-key " + (t / "vm.key").string() + " --trust-anchor-arn " +
                                 e.info["trustAnchorArn"].get<std::string>() + " --profile-arn " + e.info["profileArn"].get<std::string>() +
                                 " --role-arn " + e.info["roleArn"].get<std::string>() + " --endpoint " + e.url();

    SECTION("pkitool-serve@: an IMDSv2 endpoint whose credentials the AWS CLI reads") {
        Background serve(exec_start("pkitool-serve@.service", "vm", exchange + " --port 0"), t.path(), "http://127.0.0.1:");
        const auto url = "http://127.0.0.1:" + std::to_string(serve.port());
        const auto who = shell("env -i PATH=/usr/bin:/bin HOME='" + t.path().string() + "' AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "
                               "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + url + "/ AWS_REGION=us-east-1 " +
                                   aws_cli("sts get-caller-identity --endpoint-url " + e.url()),
                               t.path());
        INFO(who.out << who.err << serve.err());
        CHECK(who.code == 0);
        CHECK_THAT(who.out, Catch::Contains("assumed-role/pkitool-emulate/"));
    }
    SECTION("pkitool-update@: one profile of the credentials file named in the environment") {
        const auto file = t / "state/credentials";
        fs::create_directories(file.parent_path());
        const auto r = shell(exec_start("pkitool-update@.service", "vm", exchange + " --profile vm", {{"AWS_SHARED_CREDENTIALS_FILE", file.string()}}), t.path());
        INFO(r.out << r.err);
        CHECK(r.code == 0);
        const auto who = shell("env -i PATH=/usr/bin:/bin HOME='" + t.path().string() + "' AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE='" +
                                   file.string() + "' AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1 " +
                                   aws_cli("sts get-caller-identity --profile vm --endpoint-url " + e.url()),
                               t.path());
        INFO(who.out << who.err);
        CHECK_THAT(who.out, Catch::Contains("assumed-role/pkitool-emulate/"));
        // Without the override, the unit's own Environment= names the file under the state directory.
        CHECK_THAT(exec_start("pkitool-update@.service", "vm", ""), Catch::Contains("'AWS_SHARED_CREDENTIALS_FILE=/var/lib/pkitool/aws/credentials'"));
    }
    SECTION("pkitool-renew@: what the inventory says is due is renewed") {
        const auto serial = openssl_serial("vm.crt", t);
        const auto r = shell(exec_start("pkitool-renew@.service", "ca", "--ca " + (t / "ca").string() + " --expires-in 10d"), t.path());
        INFO(r.out << r.err);
        CHECK(r.code == 0);
        CHECK(openssl_serial("vm.crt", t) != serial);
        CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt vm.crt", t.path()).code == 0);
    }
}
