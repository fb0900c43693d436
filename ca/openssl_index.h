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
    std::optional<db::Revocation> revocation;  // for 'R'
    issue::Serial serial;
};

// Every line of the index text; Error naming `file:LINE` for a malformed one. Revocation forms:
// the date alone, `date,reason`, `date,keyTime,T` (keyCompromise), `date,CAkeyTime,T`
// (cACompromise). certificateHold (`holdInstruction`) and removeFromCRL are refused: a revocation
// in pkitool is final.
std::vector<IndexEntry> parse_openssl_index(const std::string& text, const std::string& file);

// The number in an openssl `crlnumber` file (the next cRLNumber, hex). Error naming the file.
uint64_t read_openssl_crlnumber(const std::filesystem::path& path);

}  // namespace pkitool::ca
