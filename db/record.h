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

enum class Status { Valid, Revoked, Expired, Superseded };
std::string to_string(Status s);
Status parse_status(const std::string& text);  // Error (usage) on anything else

// RFC 5280 §5.3.1 CRLReason codes. An operator gives the first six (`revoke --reason`);
// certificateHold (6) only comes from a CA adopted with its holds (`ca import`): pkitool puts
// nothing on hold itself, and has no removeFromCRL (8), which only delta CRLs carry.
enum class Reason {
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,
};
std::string to_string(Reason r);              // "keyCompromise", as RFC 5280 and openssl name it
Reason parse_reason(const std::string& text);  // an operator's reason; Error (usage) on anything else, certificateHold included
const std::vector<std::string>& reason_names();  // the reasons parse_reason takes
// A reason as an inventory stores it (certificateHold too); Error on an unknown name.
Reason reason_named(const std::string& text);

struct Revocation {
    Time at;
    Reason reason = Reason::Unspecified;
    // For certificateHold: the holdInstructionCode OID (RFC 3280 §5.3.2), dotted, when the CA
    // recorded one (openssl's -crl_hold).
    std::optional<std::string> hold_instruction = std::nullopt;
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
    // Empty in Store::list() rows (only find() reads it), and for a certificate recorded from its
    // CA's index alone (`ca import --allow-missing`): its file was missing, so sans and fingerprint
    // are empty and not_before is unknown (stored as 0).
    std::vector<uint8_t> der;
    Time created_at;
    std::optional<Revocation> revocation;
    // Where `issue` delivered the certificate and its key (absolute paths); unset when pkitool did
    // not write them (a CSR signed with only --out has no key_path), or for rows from before v4.
    std::optional<std::string> cert_path = std::nullopt;
    std::optional<std::string> key_path = std::nullopt;
    // The certificate that renewed this one (`renew`, schema v7); unset until it is renewed.
    std::optional<issue::Serial> superseded_by = std::nullopt;

    bool has_certificate() const { return !fingerprint.empty(); }  // the fingerprint is read in listings too, the DER is not

    // Derived, never stored: revoked wins over superseded, which wins over expired (a renewed
    // certificate is replaced whether or not it has run out yet).
    Status status(Time now) const {
        if (revocation) return Status::Revoked;
        if (superseded_by) return Status::Superseded;
        return not_after < now ? Status::Expired : Status::Valid;
    }
};

}  // namespace pkitool::db
