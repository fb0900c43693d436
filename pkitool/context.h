// What every command gets: its streams and the global flags. Commands never touch std::cout directly.
#pragma once

#include <ctime>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

namespace pkitool::cli {

struct Context {
    std::ostream& out = std::cout;  // data: PEM, JSON, listings
    std::ostream& err = std::cerr;  // progress, warnings, "wrote X"
    std::istream& in = std::cin;
    bool json = false;
    bool quiet = false;
    bool stdin_is_terminal = false;
    bool stderr_is_terminal = false;
    int exit_code = 0;  // set by commands that report a negative result without failing (lint)
    // Under the name aws_signing_helper, every stderr line is a log line as Go's log package
    // writes them ("2006/01/02 15:04:05 message", local time), which its users' scripts expect.
    bool log_lines = false;

    void note(const std::string& line) const {
        if (!quiet) err << stamp() << line << '\n';
    }
    void warn(const std::string& line) const { err << (log_lines ? stamp() : "pkitool: warning: ") << line << '\n'; }
    std::string stamp() const { return log_lines ? log_time() + " " : ""; }

    static std::string log_time() {
        const std::time_t now = std::time(nullptr);
        std::tm tm{};
        ::localtime_r(&now, &tm);
        char buf[32];
        return std::string(buf, std::strftime(buf, sizeof buf, "%Y/%m/%d %H:%M:%S", &tm));
    }
    void print_json(const nlohmann::json& j) const { out << j.dump(2) << '\n'; }
};

}  // namespace pkitool::cli
