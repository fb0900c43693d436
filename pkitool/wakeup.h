// What a long-running loop (`renew --watch`) waits on between passes: its interval running out,
// SIGHUP (check now, as daemons reload on it), or SIGINT/SIGTERM (stop).
#pragma once

#include <chrono>
#include <csignal>

namespace pkitool::cli {

enum class Wake { Interval, Hangup, Stop };

// Blocks the three signals for its lifetime, so that one arriving during a pass waits, pending,
// for the next wait() instead of killing the process halfway through a renewal. Construct it
// before any thread starts (threads inherit the mask).
class Wakeup {
public:
    Wakeup();
    ~Wakeup();
    Wakeup(const Wakeup&) = delete;
    Wakeup& operator=(const Wakeup&) = delete;

    // Sleeps for `interval` unless a signal comes first (sigtimedwait(2)); a signal already
    // pending returns at once.
    Wake wait(std::chrono::milliseconds interval);

private:
    sigset_t set_{}, previous_{};
};

}  // namespace pkitool::cli
