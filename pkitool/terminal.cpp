// /dev/tty with echo off (termios(3): clear ECHO in c_lflag), put back on return, on error and
// from a handler for the signals that end a process, which then re-raises the signal.
#include "pkitool/terminal.h"

#include <cerrno>
#include <csignal>
#include <cstddef>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace pkitool::cli {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
constexpr size_t kMaxSecret = 4096;

// What the handler needs, set before echo goes off. Only async-signal-safe calls use them.
volatile sig_atomic_t g_tty = -1;
struct termios g_saved;
struct sigaction g_previous[std::size(kSignals)];

extern "C" void restore_then_reraise(int sig) {
    const int fd = g_tty;
    if (fd >= 0) {
        ::tcsetattr(fd, TCSAFLUSH, &g_saved);
        [[maybe_unused]] const auto n = ::write(fd, "\n", 1);
    }
    for (size_t i = 0; i < std::size(kSignals); ++i)
        if (kSignals[i] == sig) ::sigaction(sig, &g_previous[i], nullptr);
    ::raise(sig);  // blocked until this handler returns, then acts as it would have
}

// Echo off for its lifetime, the handlers in place while it is.
class EchoOff {
public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (::tcgetattr(fd, &g_saved) != 0) return;
        g_tty = fd;
        struct sigaction sa {};
        sa.sa_handler = restore_then_reraise;
        ::sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < std::size(kSignals); ++i) {
            ::sigaction(kSignals[i], nullptr, &g_previous[i]);
            if (g_previous[i].sa_handler != SIG_IGN) ::sigaction(kSignals[i], &sa, nullptr);
        }
        struct termios quiet = g_saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        // TCSAFLUSH: what was typed before the prompt (and so echoed) is not taken as the answer.
        active_ = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
        if (!active_) restore_handlers();
    }
    ~EchoOff() {
        if (!active_) return;
        ::tcsetattr(fd_, TCSAFLUSH, &g_saved);
        restore_handlers();
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;
    bool active() const { return active_; }

private:
    void restore_handlers() {
        g_tty = -1;
        for (size_t i = 0; i < std::size(kSignals); ++i)
            if (g_previous[i].sa_handler != SIG_IGN) ::sigaction(kSignals[i], &g_previous[i], nullptr);
    }
    int fd_;
    bool active_ = false;
};

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

void say(int fd, const std::string& text) {
    for (size_t done = 0; done < text.size();) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

}  // namespace

std::optional<std::string> ask_secret(const std::string& prompt) {
    if (::isatty(STDIN_FILENO) != 1 && ::isatty(STDERR_FILENO) != 1) return std::nullopt;
    const Fd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (tty.get() < 0) return std::nullopt;
    std::string line;
    {
        const EchoOff quiet(tty.get());
        if (!quiet.active()) return std::nullopt;
        say(tty.get(), prompt);
        for (char c;;) {
            const auto n = ::read(tty.get(), &c, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0 || c == '\n' || c == '\r') break;
            if (line.size() < kMaxSecret) line.push_back(c);
        }
    }
    say(tty.get(), "\n");  // the Enter that echo did not show
    if (line.empty()) return std::nullopt;
    return line;
}

}  // namespace pkitool::cli
