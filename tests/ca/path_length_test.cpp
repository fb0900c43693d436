// pathLenConstraint arithmetic for sub-CAs (RFC 5280 §4.2.1.9, §6.1.4 (l)-(m)).
#include "ca/path_length.h"
#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool::ca;
using Limits = std::vector<std::optional<size_t>>;

TEST_CASE("path length: levels left below a CA", "[ca][pathlen]") {
    CHECK(ca_levels_below(Limits{std::nullopt}) == std::nullopt);       // unconstrained root
    CHECK(ca_levels_below(Limits{2}) == 2u);                            // root pathlen:2
    CHECK(ca_levels_below(Limits{0}) == 0u);
    // An unconstrained intermediate under root pathlen:2 has one level left, not unlimited.
    CHECK(ca_levels_below(Limits{std::nullopt, 2}) == 1u);
    // The tighter constraint wins, wherever it is.
    CHECK(ca_levels_below(Limits{5, 2}) == 1u);
    CHECK(ca_levels_below(Limits{0, 3}) == 0u);
    CHECK(ca_levels_below(Limits{std::nullopt, std::nullopt, 2}) == 0u);
    // A chain that already breaks a constraint is an error, not a negative number.
    CHECK_THROWS_WITH(ca_levels_below(Limits{std::nullopt, 0}), Catch::Contains("already breaks a path length constraint"));
}

TEST_CASE("path length: a sub-CA's pathLenConstraint", "[ca][pathlen]") {
    // Parent allows nothing below: refused, naming the parent.
    CHECK_THROWS_WITH(sub_ca_path_len(0u, std::nullopt, "issuing-ca"), Catch::Contains("issuing-ca") && Catch::Contains("allows no CA below it"));
    CHECK_THROWS(sub_ca_path_len(0u, 0u, "issuing-ca"));
    // Without a request the child gets the most it may have.
    CHECK(sub_ca_path_len(1u, std::nullopt, "p") == 0u);
    CHECK(sub_ca_path_len(3u, std::nullopt, "p") == 2u);
    CHECK(sub_ca_path_len(std::nullopt, std::nullopt, "p") == std::nullopt);
    // A request within the limit is kept; one beyond is refused with the limit in the hint.
    CHECK(sub_ca_path_len(3u, 0u, "p") == 0u);
    CHECK(sub_ca_path_len(std::nullopt, 7u, "p") == 7u);
    try {
        sub_ca_path_len(2u, 2u, "policy-ca");
        FAIL("a too long --path-len was accepted");
    } catch (const pkitool::Error& e) {
        // Data, not a flag: the CLI names it `--path-len` and words the hint from `most`.
        CHECK_THAT(e.what(), Catch::Contains("path_len 2: policy-ca allows at most 1"));
        REQUIRE(e.input());
        CHECK(e.input()->name == "path_len");
        CHECK(e.input()->value == "2");
        CHECK(e.input()->most == 1u);
        CHECK(std::string(e.what()).find("--") == std::string::npos);
    }
}
