// The one error type of pkitool: a user-facing message, an optional hint, and an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace pkitool {

// Exit codes of the command-line contract: 0 success, 1 failure or problems found, 2 usage.
enum class ExitCode : int { Ok = 0, Failure = 1, Usage = 2 };

// Thrown by every library when a job cannot be done; caught once, in main.
// The message names the file or object first: "vm.csr: signature does not verify".
class Error : public std::runtime_error {
public:
    explicit Error(std::string message, std::string hint = {}, ExitCode code = ExitCode::Failure)
        : std::runtime_error(std::move(message)), hint_(std::move(hint)), code_(code) {}

    const std::string& hint() const { return hint_; }
    ExitCode code() const { return code_; }

private:
    std::string hint_;
    ExitCode code_;
};

// A usage error: bad flag values that CLI11 could not catch declaratively (exit 2).
inline Error usage_error(std::string message, std::string hint = {}) {
    return Error(std::move(message), std::move(hint), ExitCode::Usage);
}

}  // namespace pkitool
