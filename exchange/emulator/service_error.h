// How the local Roles Anywhere endpoint refuses a request: AWS's error type plus a precise message.
#pragma once

#include <string>

namespace pkitool::exchange {

// The error types CreateSession answers with (Roles Anywhere API Reference, "CreateSession"), each with its fixed HTTP status.
enum class ServiceErrorType { AccessDenied, Validation, ResourceNotFound };

inline std::string to_string(ServiceErrorType t) {
    switch (t) {
        case ServiceErrorType::AccessDenied: return "AccessDeniedException";
        case ServiceErrorType::Validation: return "ValidationException";
        case ServiceErrorType::ResourceNotFound: return "ResourceNotFoundException";
    }
    return "AccessDeniedException";
}

inline int http_status(ServiceErrorType t) {
    switch (t) {
        case ServiceErrorType::AccessDenied: return 403;
        case ServiceErrorType::Validation: return 400;
        case ServiceErrorType::ResourceNotFound: return 404;
    }
    return 403;
}

// A refusal names exactly which check failed: the emulator's reason to exist next to AWS's opaque errors.
struct Refusal {
    ServiceErrorType type;
    std::string message;
};

}  // namespace pkitool::exchange
