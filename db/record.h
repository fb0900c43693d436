// One row of a CA's inventory: a certificate it issued and what became of it.
#pragma once

#include "issue/serial.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::db {

using Clock = std::chrono::system_clock;
using Time = std::chrono::sys_seconds;

enum class Status { Valid, Revoked, Expired };
std::string to_string(Status s);
Status parse_status(const std::string& text);  // Error (usage) on anything else

// RFC 5280 §5.3.1 CRLReason codes an operator can give. certificateHold (6) is left out on
// purpose: a revocation in pkitool is final, and removeFromCRL would need delta CRLs.
enum class Reason {
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
};
std::string to_string(Reason r);              // "keyCompromise", as RFC 5280 and openssl name it
Reason parse_reason(const std::string& text);  // Error (usage) on anything else
const std::vector<std::string>& reason_names();

struct Revocation {
    Time at;
    Reason reason = Reason::Unspecified;
};

// What a CRL needs of a revoked certificate.
struct RevokedSerial {
    issue::Serial serial;
    Revocation revocation;
};

struct CertificateRecord {
    issue::Serial serial;
    std::string subject;            // RFC 4514
    std::string sans;               // "dns:a,ip:10.0.0.1"
    Time not_before;
    Time not_after;
    std::string profile;
    std::string fingerprint;        // SHA-256 of the DER, lowercase hex
    std::vector<uint8_t> der;       // empty in Store::list() rows: only find() reads it
    Time created_at;
    std::optional<Revocation> revocation;
    // Where `issue` delivered the certificate and its key (absolute paths); unset when pkitool did
    // not write them (a CSR signed with only --out has no key_path), or for rows from before v4.
    std::optional<std::string> cert_path = std::nullopt;
    std::optional<std::string> key_path = std::nullopt;

    // Derived, never stored: revoked wins over expired.
    Status status(Time now) const {
        if (revocation) return Status::Revoked;
        return not_after < now ? Status::Expired : Status::Valid;
    }
};

}  // namespace pkitool::db
