// A lint finding: which rule, how bad, on which certificate, what is wrong and how to fix it.
#pragma once

#include "base/error.h"

#include <optional>
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
    std::string fix;  // in plain words, for every caller
    // The fix as a step a caller with commands of its own may word instead (lint: `pkitool issue`).
    std::optional<NextStep> step = std::nullopt;
};

// A finding whose fix is `step`, in its plain words.
inline Finding finding(std::string rule, Severity severity, std::string certificate, std::string message, NextStep step) {
    std::string fix = step.plain;
    return Finding{std::move(rule), severity, std::move(certificate), std::move(message), std::move(fix), std::move(step)};
}

inline bool has_errors(const std::vector<Finding>& findings) {
    for (const auto& f : findings)
        if (f.severity == Severity::Error) return true;
    return false;
}

}  // namespace pkitool::profiles
