// What every command gets: its streams and the global flags. Commands never touch std::cout directly.
#pragma once

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

    void note(const std::string& line) const {
        if (!quiet) err << line << '\n';
    }
    void warn(const std::string& line) const { err << "pkitool: warning: " << line << '\n'; }
    void print_json(const nlohmann::json& j) const { out << j.dump(2) << '\n'; }
};

}  // namespace pkitool::cli
