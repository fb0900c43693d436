// Releasing an issued certificate into the caller's files, once it is recorded: record first,
// write second, so a failed write leaves a certificate the inventory can export again. One
// function for `issue` and for each row of a batch.
#pragma once

#include "ca/authority.h"
#include "base/files.h"

#include <filesystem>
#include <optional>
#include <string>

namespace pkitool::ca {

struct ReleaseFiles {
    std::filesystem::path certificate;
    std::optional<std::filesystem::path> key;  // when pkitool generated the key
    std::string key_pem;                       // unencrypted PKCS#8 PEM, written 0600
    std::optional<std::filesystem::path> chain;
    std::string chain_pem;
};

// Writes the key, then the certificate, then the chain (a certificate on disk means its key is).
// On failure: Error naming what was not written, with the step to export the recorded
// certificate; `context` (a fleet row, say) goes into the message.
void release(const Authority& ca, const Issued& issued, const ReleaseFiles& to, files::Overwrite overwrite,
             const std::string& context = "");

}  // namespace pkitool::ca
