// Background server processes for tests.
#include "tests/support/background.h"
#include "tests/support/cli.h"

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pkitool::test {

Background::Background(const std::string& command, const std::filesystem::path& dir, const std::string& ready_marker,
                       int timeout_s) {
    static int counter = 0;
    const std::string tag = std::to_string(::getpid()) + "-bg" + std::to_string(++counter);
    out_ = std::filesystem::temp_directory_path() / ("pkitool-out-" + tag);
    err_ = std::filesystem::temp_directory_path() / ("pkitool-err-" + tag);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::setpgid(0, 0);  // its own group, so the kill reaches `sh` and what it started
        if (::chdir(dir.c_str()) != 0) ::_exit(127);
        const std::string full = "exec " + command + " </dev/null >'" + out_.string() + "' 2>'" + err_.string() + "'";
        ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::setpgid(pid_, pid_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string text = slurp(out_);
        const auto at = text.find(ready_marker);
        const auto nl = at == std::string::npos ? std::string::npos : text.find('\n', at);
        if (nl != std::string::npos) {
            const auto begin = text.rfind('\n', at);
            line_ = text.substr(begin == std::string::npos ? 0 : begin + 1, nl - (begin == std::string::npos ? 0 : begin + 1));
            return;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("server exited before it was ready: " + command + "\nstderr: " + err());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string why = "server not ready within " + std::to_string(timeout_s) + " s: " + command + "\nstderr: " + err();
    stop();
    throw std::runtime_error(why);
}

Background::~Background() {
    stop();
    std::error_code ec;
    std::filesystem::remove(out_, ec);
    std::filesystem::remove(err_, ec);
}

int Background::port() const {
    const auto sep = line_.find_last_of(": ");
    return std::stoi(line_.substr(sep + 1));
}

std::string Background::err() const { return slurp(err_); }

int Background::stop() {
    if (pid_ <= 0) return -1;
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // up to 5 s for a clean exit, then SIGKILL
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return -1;
}

}  // namespace pkitool::test
