#include "base/duration.h"

#include <catch2/catch.hpp>

using pkitool::parse_duration;
using std::chrono::seconds;

TEST_CASE("parse_duration reads a whole number with one unit") {
    CHECK(parse_duration("45s") == seconds(45));
    CHECK(parse_duration("90m") == seconds(90 * 60));
    CHECK(parse_duration("12h") == seconds(12 * 3600));
    CHECK(parse_duration("30d") == seconds(30 * 86400));
    CHECK(parse_duration("2w") == seconds(14 * 86400));
    CHECK(parse_duration("0s") == seconds(0));
    CHECK(parse_duration("999999999w") == seconds(int64_t{999999999} * 7 * 86400));
}

TEST_CASE("parse_duration refuses what is not one") {
    for (const char* bad : {"", "d", "30", "30x", "-1d", "+1d", "1.5h", "30 d", "1d2h", "30D", "1000000000s", " 1d"})
        CHECK_FALSE(parse_duration(bad).has_value());
}
