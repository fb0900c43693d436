#include "pkitool/wakeup.h"

#include <catch2/catch.hpp>

#include <csignal>

using namespace pkitool::cli;
using namespace std::chrono_literals;

TEST_CASE("wakeup: the interval runs out when no signal comes", "[pkitool][wakeup]") {
    Wakeup wakeup;
    const auto start = std::chrono::steady_clock::now();
    CHECK(wakeup.wait(30ms) == Wake::Interval);
    CHECK(std::chrono::steady_clock::now() - start >= 30ms);
}

TEST_CASE("wakeup: a signal raised during a pass waits, pending, for the next wait", "[pkitool][wakeup]") {
    Wakeup wakeup;
    // Blocked, so raising them neither kills the test nor runs a handler.
    std::raise(SIGHUP);
    CHECK(wakeup.wait(std::chrono::hours(1)) == Wake::Hangup);
    std::raise(SIGTERM);
    CHECK(wakeup.wait(std::chrono::hours(1)) == Wake::Stop);
    std::raise(SIGINT);
    CHECK(wakeup.wait(std::chrono::hours(1)) == Wake::Stop);
    CHECK(wakeup.wait(1ms) == Wake::Interval);
}
