// Signals taken synchronously with sigtimedwait(2): no handler, so nothing but ordinary code runs.
#include "pkitool/wakeup.h"

#include <cerrno>
#include <ctime>
#include <pthread.h>

namespace pkitool::cli {

Wakeup::Wakeup() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGHUP);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
}

Wakeup::~Wakeup() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

Wake Wakeup::wait(std::chrono::milliseconds interval) {
    const auto until = std::chrono::steady_clock::now() + interval;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return Wake::Interval;
        timespec ts{};
        ts.tv_sec = static_cast<time_t>(left.count() / 1000000000);
        ts.tv_nsec = static_cast<long>(left.count() % 1000000000);
        const int sig = sigtimedwait(&set_, nullptr, &ts);
        if (sig == SIGHUP) return Wake::Hangup;
        if (sig == SIGINT || sig == SIGTERM) return Wake::Stop;
        if (sig < 0 && errno == EAGAIN) return Wake::Interval;
        // EINTR (another signal's handler ran): wait out the rest.
    }
}

}  // namespace pkitool::cli
