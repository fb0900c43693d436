// `pkitool --version` and `pkitool version` (issue #15), checked against git, dpkg and Python's
// sqlite3 module (each asks the same library pkitool links), and the helper personality's `version`.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace pkitool::test;
using nlohmann::json;

namespace {

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

TEST_CASE("version: the commit, Botan and SQLite as the system reports them, and the helper personality agreeing", "[cli][version]") {
    TempDir t;
    const auto flag = run("--version", t.path());
    REQUIRE(flag.code == 0);
    const auto command = run("version", t.path());
    REQUIRE(command.code == 0);
    CHECK(flag.out == command.out);

    const auto as_json = run("version --json", t.path());
    must(as_json);
    const auto j = json::parse(as_json.out);
    const auto head = shell("git -C '" PKITOOL_SOURCE_DIR "' rev-parse --short=12 HEAD", t.path());
    if (head.code == 0) CHECK_THAT(j["commit"].get<std::string>(), Catch::StartsWith(trimmed(head.out)));
    else CHECK(j["commit"] == "unknown");
    const auto botan = shell("dpkg-query -W -f='${Version}' libbotan-2-19", t.path());
    REQUIRE(botan.code == 0);
    CHECK_THAT(botan.out, Catch::StartsWith(j["botan"].get<std::string>() + "+"));
    CHECK(trimmed(shell("/usr/bin/python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'", t.path()).out) == j["sqlite"]);

    CHECK(flag.out == "pkitool " + j["version"].get<std::string>() + " (git " + j["commit"].get<std::string>() + ")\nBotan " +
                          j["botan"].get<std::string>() + ", SQLite " + j["sqlite"].get<std::string>() +
                          "\naws_signing_helper personality: " + j["awsSigningHelper"].get<std::string>() + "\n");
    // Under the helper's name, `version` prints the release it follows, as the helper prints its own.
    fs::create_directories(t / "bin");
    fs::create_symlink(PKITOOL_BINARY, t / "bin/aws_signing_helper");
    const auto helper = shell("'" + (t / "bin/aws_signing_helper").string() + "' version", t.path());
    CHECK(helper.code == 0);
    CHECK(helper.out == j["awsSigningHelper"].get<std::string>() + "\n");
}
