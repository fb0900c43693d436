// The man pages (issue #15): one per top-level command or group plus pkitool(1), each rendered by
// groff (an independent roff implementation) into text that holds every line the
// commands' own --help prints, in order, so the pages cannot drift from the help.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <set>
#include <sstream>

using namespace pkitool::test;

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
        out.push_back(line);
    }
    return out;
}

// A page as `man` shows it, as plain text: groff's UTF-8 hyphens, minus signs and quotes mapped
// back to ASCII.
std::string rendered(const fs::path& page, const TempDir& t) {
    const auto r = shell("GROFF_NO_SGR=1 groff -man -Tutf8 -P-c -P-b -P-u '" + page.string() + "'", t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::string s = r.out;
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{{"\u2010", "-"}, {"\u2212", "-"}, {"\u2019", "'"}, {"\u2018", "`"}})
        s = replace_all(s, from, to);
    return s;
}

// Every non-empty line of `help` appears in `page`, in the same order, with the page's indent.
void holds_in_order(const std::string& page, const std::string& help, const std::string& what) {
    const auto page_lines = lines(page);
    size_t at = 0;
    for (const auto& line : lines(help)) {
        if (line.empty()) continue;
        while (at < page_lines.size() && page_lines[at].find(line) == std::string::npos) ++at;
        INFO(what << ": the page lacks, or has out of order, the help line\n" << line);
        REQUIRE(at < page_lines.size());
        ++at;
    }
}

// The names under "Subcommands:" in a --help text.
std::vector<std::string> subcommands(const std::string& help) {
    std::vector<std::string> out;
    bool in = false;
    for (const auto& line : lines(help)) {
        if (line == "Subcommands:") in = true;
        else if (in && line.empty()) break;
        else if (in) {
            std::istringstream words(line);
            std::string name;
            words >> name;
            out.push_back(name);
        }
    }
    return out;
}

// What a pkitool command that must succeed prints on stdout.
std::string must_out(const Result& r) {
    must(r);
    return r.out;
}

}  // namespace

TEST_CASE("man pages: one per command or group, each holding the help text the commands print", "[cli][man]") {
    TempDir t;
    must(run("__man-pages man", t.path()));
    const auto top = must_out(run("--help", t.path()));
    const auto names = subcommands(top);
    REQUIRE(names.size() > 10);
    std::set<std::string> expected{"pkitool.1"}, written;
    for (const auto& n : names) expected.insert("pkitool-" + n + ".1");
    for (const auto& e : fs::directory_iterator(t / "man")) written.insert(e.path().filename().string());
    CHECK(written == expected);

    const auto main_page = rendered(t / "man/pkitool.1", t);
    CHECK_THAT(main_page, Catch::StartsWith("PKITOOL(1)"));
    holds_in_order(main_page, top, "pkitool.1");
    holds_in_order(main_page, must_out(run("--version", t.path())), "pkitool.1 VERSION");
    for (const auto& n : names) {
        const auto page = rendered(t / "man" / ("pkitool-" + n + ".1"), t);
        const auto help = must_out(run(n + " --help", t.path()));
        holds_in_order(page, help, "pkitool-" + n + ".1");
        for (const auto& sub : subcommands(help)) holds_in_order(page, must_out(run(n + " " + sub + " --help", t.path())), "pkitool-" + n + ".1 " + sub);
    }
}
