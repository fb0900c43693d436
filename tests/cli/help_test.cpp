// Every command's --help teaches: a description, an Examples section, and no TODO (style.md rule 8).
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <vector>

using namespace pkitool::test;

namespace {

// Subcommand names listed in a CLI11 help text ("Subcommands:" then "  name  description").
std::vector<std::string> subcommands(const std::string& help) {
    std::vector<std::string> names;
    std::istringstream in(help);
    std::string line;
    bool in_section = false;
    while (std::getline(in, line)) {
        if (line.rfind("Subcommands:", 0) == 0) {
            in_section = true;
            continue;
        }
        if (!in_section) continue;
        if (line.empty() || line[0] != ' ') break;
        std::istringstream words(line);
        std::string name;
        words >> name;
        names.push_back(name);
    }
    return names;
}

void check_tree(const std::string& path, const TempDir& t, std::vector<std::pair<std::string, std::string>>& leaves) {
    const auto r = run(path + " --help", t.path());
    INFO("pkitool " << path << " --help");
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, !Catch::Contains("TODO"));
    const auto subs = subcommands(r.out);
    if (subs.empty()) {
        leaves.emplace_back(path.substr(1), r.out.substr(0, r.out.find('\n')));
        CHECK_THAT(r.out, Catch::Contains("Examples:"));
        CHECK_THAT(r.out, Catch::Contains("$ pkitool "));
        // 2-5 examples, each a sentence then a command line (style.md rule 8).
        const auto examples = r.out.substr(r.out.find("\nExamples:\n"));
        size_t count = 0;
        for (size_t at = examples.find("\n    $ "); at != std::string::npos; at = examples.find("\n    $ ", at + 1)) ++count;
        CHECK(count >= 2);
        CHECK(count <= 5);
        // Commands whose exit status is a verdict say what it means.
        static const std::vector<std::string> verdicts = {" lint", " db check", " needs-renewal"};
        if (std::find(verdicts.begin(), verdicts.end(), path) != verdicts.end()) CHECK_THAT(r.out, Catch::Contains("\nExit status: 0 when"));
        // The first line is the one-line description.
        CHECK(r.out.substr(0, r.out.find('\n')).size() > 10);
        return;
    }
    for (const auto& s : subs) check_tree(path + " " + s, t, leaves);
}

}  // namespace

TEST_CASE("help: every subcommand has a description and examples", "[cli][help]") {
    TempDir t;
    std::vector<std::pair<std::string, std::string>> leaves;
    check_tree("", t, leaves);
    CHECK(leaves.size() >= 20);
    // The README's command table is the help's one-line descriptions, so the two cannot drift.
    const auto readme = slurp(PKITOOL_SOURCE_DIR "/README.md");
    for (const auto& [command, description] : leaves) {
        INFO("README.md needs the row: | `pkitool " << command << "` | " << description << " |");
        CHECK_THAT(readme, Catch::Contains("| `pkitool " + command + "` | " + description + " |\n"));
    }
}

TEST_CASE("usage errors exit 2 with one error line", "[cli][help]") {
    TempDir t;
    for (const std::string args : {"bogus-command", "key new", "issue --ca x --days abc", "db list --ca x --status nope", "key new --out k --type dsa:1024"}) {
        const auto r = run(args, t.path());
        INFO(args << " -> " << r.err);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: "));
    }
    CHECK(fs::is_empty(t.path()));
}
