// The CLI's words for domain data: a flag only where the command that ran has it.
#include "pkitool/wording.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>

using namespace pkitool;
using pkitool::cli::word;

namespace {

// `issue` with the flags the wording looks for, and `show` with none of them.
struct Commands {
    CLI::App app{"test"};
    std::optional<unsigned> days;
    std::optional<size_t> path_len;
    std::string ca;
    bool force = false;
    Commands() {
        auto* issue = app.add_subcommand("issue");
        issue->add_option("--ca", ca);
        issue->add_option("--days", days);
        issue->add_option("--path-len", path_len);
        issue->add_flag("--force", force);
        app.add_subcommand("show");
    }
    const CLI::App* ran(std::vector<std::string> args) {
        std::reverse(args.begin(), args.end());  // CLI11 parses a vector from its back
        app.parse(args);
        return cli::command_that_ran(app);
    }
};

}  // namespace

TEST_CASE("wording: an input the caller passed is named as the flag that passed it", "[wording]") {
    Commands c;
    const auto* issue = c.ran({"issue", "--days", "900"});
    REQUIRE(issue->get_name() == "issue");
    const Error days(Error::Input{"days", "900", "", 29u}, "the certificate would outlive its CA, which expires on 2030-01-01");
    const auto w = word(days, issue);
    CHECK(w.message == "--days 900: the certificate would outlive its CA, which expires on 2030-01-01");
    CHECK(w.hints == std::vector<std::string>{"use --days 29 or less"});
    CHECK(cli::flag_for("path_len", issue) == "--path-len");
    CHECK(cli::flag_for("subject", issue).empty());
}

TEST_CASE("wording: a fleet row's input keeps the row's name, never a flag", "[wording]") {
    Commands c;
    const auto* issue = c.ran({"issue"});
    const auto row = Error(Error::Input{"days", "900", "", 29u}, "the certificate would outlive its CA, which expires on 2030-01-01").at("fleet.csv:3");
    const auto w = word(row, issue);
    CHECK(w.message == "fleet.csv:3: days 900: the certificate would outlive its CA, which expires on 2030-01-01");
    CHECK(w.hints == std::vector<std::string>{"set days to 29 or less"});
}

TEST_CASE("wording: a flag step needs the flag, a command step is the same everywhere", "[wording]") {
    Commands c;
    const auto* show = c.ran({"show"});
    auto e = Error("vm.crt: already exists");
    e.with_step({NextStep::Kind::Overwrite, "choose another path, or allow replacing it"});
    e.with_step({NextStep::Kind::PublishCrl, "publish it in a new CRL", "root-ca"});
    CHECK(word(e, show).hints == std::vector<std::string>{"choose another path, or allow replacing it", "publish a new CRL with `pkitool crl --ca root-ca`"});
    Commands d;
    CHECK(word(e, d.ran({"issue"})).hints[0] == "choose another path, or pass --force to replace it");
    // No command at all (a library caller): the plain words.
    CHECK(word(e, nullptr).message == "vm.crt: already exists");
    CHECK(word(NextStep{NextStep::Kind::Reissue, "re-issue it", "", "", "rolesanywhere-client"}, nullptr) ==
          "re-issue it with `pkitool issue --profile rolesanywhere-client`");
}

TEST_CASE("wording: a step its domain could not place takes the CA the command was given", "[wording]") {
    const NextStep list{NextStep::Kind::ListSerials, "copy it from the CA's inventory"};
    Commands c;
    CHECK(word(list, c.ran({"issue", "--ca", "root-ca"})) == "list the serials with `pkitool db list --ca root-ca`");
    Commands d;
    CHECK(word(list, d.ran({"show"})) == "list the serials with `pkitool db list --ca DIR`");
    // A step that names its CA keeps it.
    Commands e;
    CHECK(word(NextStep{NextStep::Kind::ListSerials, "", "issuing-ca"}, e.ran({"issue", "--ca", "root-ca"})) ==
          "list the serials with `pkitool db list --ca issuing-ca`");
}
