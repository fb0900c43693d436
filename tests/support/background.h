// A server process for end-to-end tests: started with `sh -c`, its first stdout line read with a
// deadline, and always killed (by its process id) when the object goes away, so no test can hang.
#pragma once

#include <filesystem>
#include <string>

namespace pkitool::test {

class Background {
public:
    // Runs `command` in `dir` (stdout to a file, stderr to another) and waits up to `timeout_s`
    // for a stdout line containing `ready_marker`; throws std::runtime_error otherwise.
    Background(const std::string& command, const std::filesystem::path& dir, const std::string& ready_marker,
               int timeout_s = 20);
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    const std::string& ready_line() const { return line_; }
    // The number after the last ':' or ' ' of the ready line ("PORT 4242", "http://127.0.0.1:4242").
    int port() const;
    std::string err() const;  // what it wrote on stderr so far
    int pid() const { return pid_; }
    // SIGTERM to its process group, SIGKILL after 5 s; the exit status (-1 when killed or already
    // stopped).
    int stop();

private:
    int pid_ = -1;
    std::filesystem::path out_, err_;
    std::string line_;
};

}  // namespace pkitool::test
