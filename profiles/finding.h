// A lint finding: which rule, how bad, on which certificate, what is wrong and how to fix it.
#pragma once

#include <string>
#include <vector>

namespace pkitool::profiles {

enum class Severity { Error, Warning, Info };

inline std::string to_string(Severity s) {
    switch (s) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Info: return "info";
    }
    return "error";
}

struct Finding {
    std::string rule;         // stable id, e.g. "ra.ee.digital-signature"
    Severity severity;
    std::string certificate;  // "CN=vm-01 (serial 3A…)"
    std::string message;
    std::string fix;
};

inline bool has_errors(const std::vector<Finding>& findings) {
    for (const auto& f : findings)
        if (f.severity == Severity::Error) return true;
    return false;
}

}  // namespace pkitool::profiles
