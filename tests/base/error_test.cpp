// Error as data: hints as a list, the input it is about, and where it was found.
#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool;

TEST_CASE("error: hints are a list, an empty hint adds nothing", "[error]") {
    const Error plain("vm.csr: signature does not verify");
    CHECK(plain.hints().empty());
    CHECK(plain.hint().empty());
    CHECK(plain.code() == ExitCode::Failure);

    Error e("vm.csr: signature does not verify", "create the CSR again");
    e.with_hint("").with_hint("check the key it names");
    CHECK(e.hints() == std::vector<std::string>{"create the CSR again", "check the key it names"});
    e.with_step({NextStep::Kind::Overwrite, "choose another path, or allow replacing it"});
    // One line for callers that show one: every hint and step, plain.
    CHECK(e.hint() == "create the CSR again; check the key it names; choose another path, or allow replacing it");
    CHECK(usage_error("bad", "").hints().empty());
    CHECK(usage_error("bad").code() == ExitCode::Usage);
}

TEST_CASE("error: an input is named in plain words until a caller names it", "[error]") {
    const Error days(Error::Input{"days", "900", "", 825u}, "profile rolesanywhere-client allows 1 to 825 days");
    CHECK(std::string(days.what()) == "days 900: profile rolesanywhere-client allows 1 to 825 days");
    CHECK(days.problem() == "profile rolesanywhere-client allows 1 to 825 days");
    REQUIRE(days.input());
    CHECK(days.input()->most == 825u);
    CHECK(describe_input(*days.input(), "--days", days.problem()) == "--days 900: profile rolesanywhere-client allows 1 to 825 days");
    const Error subject(Error::Input{"subject"}, "is empty");
    CHECK(std::string(subject.what()) == "subject is empty");
}

TEST_CASE("error: at() says where it was found and keeps the rest", "[error]") {
    auto e = usage_error(Error::Input{"san", "\"ip:300.1.1.1\""}, "'300.1.1.1' is not an IPv4 or IPv6 address", "write entries like ip:10.0.0.1");
    e.with_step({NextStep::Kind::Resume, "run it again resuming it"});
    const auto row = e.at("fleet.csv:3");
    // An input the caller passed now comes from the row: no flag can be named for it.
    CHECK(std::string(row.what()) == "fleet.csv:3: san \"ip:300.1.1.1\": '300.1.1.1' is not an IPv4 or IPv6 address");
    REQUIRE(row.input());
    CHECK(row.input()->origin == "fleet.csv:3");
    CHECK(row.hints() == e.hints());
    REQUIRE(row.steps().size() == 1);
    CHECK(row.steps()[0].kind == NextStep::Kind::Resume);
    CHECK(e.code() == ExitCode::Usage);
    CHECK(row.code() == ExitCode::Failure);  // a file's content, not the command line
    // Found again further out (a file naming the fleet file): the message is prefixed.
    CHECK(std::string(row.at("batch.conf:1").what()) == "batch.conf:1: fleet.csv:3: san \"ip:300.1.1.1\": '300.1.1.1' is not an IPv4 or IPv6 address");
    // A message without an input is prefixed too.
    CHECK(std::string(Error("name 'x y' must be letters").at("fleet.csv:4").what()) == "fleet.csv:4: name 'x y' must be letters");
}
