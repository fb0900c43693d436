// How the local Roles Anywhere endpoint refuses a request: AWS's error type plus a precise message.
#pragma once

#include <string>

namespace pkitool::exchange {

// The error types of CreateSession and the control plane (IAM Roles Anywhere API Reference, each
// operation's "Errors"), then the ones AWS's SigV4 front door answers before any operation runs
// (AWS General Reference, "Common errors"), each with its fixed HTTP status.
enum class ServiceErrorType {
    AccessDenied,
    Validation,
    ResourceNotFound,
    TooManyTags,
    Serialization,  // a body that is not the operation's JSON shape
    MissingAuthenticationToken,
    IncompleteSignature,
    InvalidSignature,
    UnrecognizedClient,
    ExpiredToken,
};

inline std::string to_string(ServiceErrorType t) {
    switch (t) {
        case ServiceErrorType::AccessDenied: return "AccessDeniedException";
        case ServiceErrorType::Validation: return "ValidationException";
        case ServiceErrorType::ResourceNotFound: return "ResourceNotFoundException";
        case ServiceErrorType::TooManyTags: return "TooManyTagsException";
        case ServiceErrorType::Serialization: return "SerializationException";
        case ServiceErrorType::MissingAuthenticationToken: return "MissingAuthenticationTokenException";
        case ServiceErrorType::IncompleteSignature: return "IncompleteSignatureException";
        case ServiceErrorType::InvalidSignature: return "InvalidSignatureException";
        case ServiceErrorType::UnrecognizedClient: return "UnrecognizedClientException";
        case ServiceErrorType::ExpiredToken: return "ExpiredTokenException";
    }
    return "AccessDeniedException";
}

inline int http_status(ServiceErrorType t) {
    switch (t) {
        case ServiceErrorType::AccessDenied: return 403;
        case ServiceErrorType::Validation: return 400;
        case ServiceErrorType::ResourceNotFound: return 404;
        case ServiceErrorType::TooManyTags: return 400;
        case ServiceErrorType::Serialization: return 400;
        case ServiceErrorType::MissingAuthenticationToken: return 403;
        case ServiceErrorType::IncompleteSignature: return 400;
        case ServiceErrorType::InvalidSignature: return 403;
        case ServiceErrorType::UnrecognizedClient: return 403;
        case ServiceErrorType::ExpiredToken: return 403;
    }
    return 403;
}

// A refusal names exactly which check failed: the emulator's reason to exist next to AWS's opaque errors.
struct Refusal {
    ServiceErrorType type;
    std::string message;
};

}  // namespace pkitool::exchange
