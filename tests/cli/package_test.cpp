// The .deb (issue #15): built by cpack from the build under test, installed with dpkg into a
// temporary root (--root, maintainer scripts run chrootless with DPKG_ROOT), used from there (the
// version, a man page, Tab completion, the aws_signing_helper alternative, the whole demo), then
// removed. Its Depends are checked against ldd and dpkg -S, not against CPack's own computation.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace pkitool::test;

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Package names of a Depends/Recommends field, without versions.
std::set<std::string> names_in(const std::string& field) {
    std::set<std::string> out;
    std::istringstream in(field);
    for (std::string item; std::getline(in, item, ',');) {
        const auto start = item.find_first_not_of(' ');
        if (start != std::string::npos) out.insert(item.substr(start, item.find_first_of(" (", start) - start));
    }
    return out;
}

Result must_shell(const std::string& command, const TempDir& t) {
    const auto r = shell(command, t.path());
    INFO(command << "\n" << r.out << r.err);
    REQUIRE(r.code == 0);
    return r;
}

// An empty root that dpkg can install into: its database knows exactly `installed` (their entries
// as this machine has them), and it has the /etc that every root has.
fs::path make_root(const TempDir& t, const std::string& name, const std::set<std::string>& installed) {
    const auto root = t / name;
    fs::create_directories(root / "var/lib/dpkg/info");
    fs::create_directories(root / "var/lib/dpkg/updates");
    fs::create_directories(root / "etc");
    std::string script = ": > " + quoted(root / "var/lib/dpkg/status");
    for (const auto& p : installed)
        script += "; dpkg-query -s " + p + " >> " + quoted(root / "var/lib/dpkg/status") + " && echo >> " + quoted(root / "var/lib/dpkg/status") +
                  "; for l in /var/lib/dpkg/info/" + p + ".list /var/lib/dpkg/info/" + p + ":*.list; do [ -f \"$l\" ] && cp \"$l\" " +
                  quoted(root / "var/lib/dpkg/info/") + "; done; true";
    must_shell(script, t);
    return root;
}

std::string dpkg(const fs::path& root, const std::string& args) { return "dpkg --root=" + quoted(root) + " --force-script-chrootless " + args; }

}  // namespace

TEST_CASE("package: the .deb installs into a fresh root, works from there, and dpkg -r removes all of it", "[cli][package]") {
    if (::geteuid() != 0) {
        // CI runs as root (the README's commands do), so there it must run.
        if (std::getenv("CI") != nullptr) FAIL("dpkg --root needs root to give the files their owner");
        WARN("dpkg --root needs root to give the files their owner: not run");
        return;
    }
    TempDir t;
    const auto build = fs::path(PKITOOL_BINARY).parent_path().parent_path();
    must_shell("cpack -G DEB --config " + quoted(build / "CPackConfig.cmake") + " -B " + quoted(t / "out"), t);
    fs::path deb;
    for (const auto& e : fs::directory_iterator(t / "out"))
        if (e.path().extension() == ".deb") deb = e.path();
    REQUIRE(!deb.empty());
    CHECK_THAT(deb.filename().string(), Catch::Matches("pkitool_[0-9.]+_amd64\\.deb"));

    // Depends holds the package of every library the binary links (its NEEDED entries, found where
    // ldd finds them, owned as dpkg -S says: the pattern matches /lib and /usr/lib alike).
    const auto depends = names_in(must_shell("dpkg-deb -f " + quoted(deb) + " Depends", t).out);
    const auto linked = must_shell("b='" PKITOOL_BINARY "'; for n in $(objdump -p \"$b\" | awk '$1 == \"NEEDED\" {print $2}'); do "
                                   "ldd \"$b\" | awk -v n=\"$n\" '$1 == n {print $3}'; done | sed 's|^/usr||' | "
                                   "while read -r p; do dpkg -S \"*$p\"; done | cut -d: -f1 | sort -u",
                                   t);
    CHECK(lines(linked.out).size() >= 4);
    for (const auto& package : lines(linked.out)) CHECK(depends.count(package) == 1);
    CHECK(depends.count("libsqlite3-0") == 1);
    // Recommends holds what it loads with dlopen: libcurl for the exchange, libpq for PostgreSQL.
    const auto recommends = names_in(must_shell("dpkg-deb -f " + quoted(deb) + " Recommends", t).out);
    CHECK(recommends.count("libcurl4") == 1);
    CHECK(recommends.count("libpq5") == 1);
    for (const auto& r : recommends) CHECK(depends.count(r) == 0);

    // Without one of its Depends, dpkg refuses to configure it, naming the package.
    auto without_sqlite = depends;
    without_sqlite.erase("libsqlite3-0");
    const auto bare = make_root(t, "bare", without_sqlite);
    const auto refused = shell(dpkg(bare, "-i " + quoted(deb)), t.path());
    CHECK(refused.code != 0);
    CHECK_THAT(refused.err, Catch::Contains("libsqlite3-0"));

    const auto root = make_root(t, "root", depends);
    must_shell(dpkg(root, "-i " + quoted(deb)), t);
    CHECK(must_shell("dpkg-query --admindir=" + quoted(root / "var/lib/dpkg") + " -W -f='${Status}' pkitool", t).out == "install ok installed");
    std::vector<std::string> shipped;  // the package's files, as ./usr/...
    for (const auto& line : lines(must_shell("dpkg-deb -c " + quoted(deb) + " | awk '$1 !~ /^d/ {print $6}'", t).out)) {
        shipped.push_back(line.substr(2));
        CHECK(fs::exists(root / shipped.back()));
    }
    CHECK(shipped.size() > 25);

    const auto pkitool = root / "usr/bin/pkitool";
    CHECK(must_shell(quoted(pkitool) + " --version", t).out == run("--version", t.path()).out);
    // man's own rendering path: the gzip'd page through groff.
    const auto page = must_shell("zcat " + quoted(root / "usr/share/man/man1/pkitool-issue.1.gz") + " | GROFF_NO_SGR=1 groff -man -Tutf8 -P-c -P-b -P-u", t);
    CHECK_THAT(page.out, Catch::Contains("Usage: pkitool issue [OPTIONS]"));
    // Tab in bash, with the installed script and the installed pkitool first on PATH.
    const auto tab = must_shell("PATH=" + quoted(root / "usr/bin") + ":/usr/bin:/bin bash -c 'source " + (root / "usr/share/bash-completion/completions/pkitool").string() +
                                    "; COMP_LINE=\"pkitool db l\"; COMP_POINT=12; COMP_WORDS=(pkitool db l); COMP_CWORD=2; _pkitool; echo \"${COMPREPLY[@]}\"'",
                                t);
    CHECK(tab.out == "list\n");
    for (const auto* unit : {"pkitool-serve@.service", "pkitool-update@.service", "pkitool-update@.timer", "pkitool-renew@.service", "pkitool-renew@.timer"})
        CHECK(slurp(root / "usr/lib/systemd/system" / unit) == slurp(fs::path(PKITOOL_SOURCE_DIR) / "pkitool/systemd" / unit));
    // postinst: the units' user, and aws_signing_helper as an alternative pointing at pkitool.
    CHECK_THAT(slurp(root / "etc/passwd"), Catch::Contains("pkitool:x:") && Catch::Contains(":/var/lib/pkitool:"));
    CHECK(fs::read_symlink(root / "usr/bin/aws_signing_helper") == "/etc/alternatives/aws_signing_helper");
    CHECK(fs::read_symlink(root / "etc/alternatives/aws_signing_helper") == "/usr/bin/pkitool");
    // Installed again (dpkg's upgrade path: prerm upgrade, then postinst configure OLD-VERSION),
    // the alternative stays.
    must_shell(dpkg(root, "-i " + quoted(deb)), t);
    CHECK(fs::read_symlink(root / "etc/alternatives/aws_signing_helper") == "/usr/bin/pkitool");
    const auto helper = must_shell("bash -c 'exec -a aws_signing_helper " + pkitool.string() + " version'", t);
    CHECK(helper.out == must_shell("bash -c 'exec -a aws_signing_helper " PKITOOL_BINARY " version'", t).out);

    // The README's demo, end to end, with the installed binary (.ci/demo runs in its own ../demo).
    fs::create_directories(t / "demo-home/.ci");
    fs::copy_file(fs::path(PKITOOL_SOURCE_DIR) / ".ci/demo", t / "demo-home/.ci/demo");
    const auto demo = must_shell("PKITOOL=" + quoted(pkitool) + " bash " + quoted(t / "demo-home/.ci/demo") + " 2>&1", t);
    CHECK_THAT(demo.out, Catch::Contains("assumed-role") && Catch::Contains("vm.crt: OK"));

    // Removal takes every file and the alternative; only dpkg's records and the user remain
    // (Debian policy 9.2.2 keeps system users).
    must_shell(dpkg(root, "-r pkitool"), t);
    for (const auto& f : shipped) CHECK_FALSE(fs::exists(root / f));
    CHECK_FALSE(fs::exists(fs::symlink_status(root / "usr/bin/aws_signing_helper")));
    CHECK_FALSE(fs::exists(fs::symlink_status(root / "etc/alternatives/aws_signing_helper")));
    CHECK_FALSE(fs::exists(root / "usr"));
}
