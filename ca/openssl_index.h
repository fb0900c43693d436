// An `openssl ca` database (index.txt), read for `ca import` (issue #10). Format: six TAB-separated
// fields per line, from openssl's apps/ca.c and the openssl-ca(1) manual.
#pragma once

#include "db/record.h"
#include "issue/serial.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::ca {

struct IndexEntry {
    size_t line;
    char status;  // 'V' valid, 'R' revoked, 'E' expired
    db::Time expiry;
    std::optional<db::Revocation> revocation;  // for 'R', unless released
    issue::Serial serial;
    std::string subject;    // the subject field in RFC 4514 form (most specific first); see subject_from_oneline
    bool released = false;  // 'R' with reason removeFromCRL: a hold that was released
};

// Every line of the index text; Error naming `file:LINE` for a malformed one. Revocation forms:
// the date alone, `date,reason`, `date,keyTime,T` (keyCompromise), `date,CAkeyTime,T`
// (cACompromise), `date,certificateHold`, `date,holdInstruction,CODE` (certificateHold with its
// holdInstructionCode, a name openssl knows or a dotted OID), and `date,removeFromCRL`: a released
// hold, no longer revoked (openssl's own verify takes such an entry as "not revoked").
std::vector<IndexEntry> parse_openssl_index(const std::string& text, const std::string& file);

// openssl's one-line subject (`/C=US/O=Example/CN=vm-01`, DER order, bytes outside printable
// ASCII as \xHH) in RFC 4514 form (`CN=vm-01,O=Example,C=US`). A `/` inside a value is not
// escaped by openssl, so a value holding `/X=` is split there: the certificate is the authority,
// this is for a line whose certificate is missing. Empty when `oneline` does not start with '/'.
std::string subject_from_oneline(const std::string& oneline);

// The number in an openssl `crlnumber` file (the next cRLNumber, hex). Error naming the file.
uint64_t read_openssl_crlnumber(const std::filesystem::path& path);

}  // namespace pkitool::ca
