// Certificates for the emulator tests, made with the openssl command (an independent CA) once per
// run: good RSA and EC leaves, a leaf under an issuing CA, and one certificate for each refusal.
#pragma once

#include "exchange/emulator/config.h"
#include "exchange/sigv4.h"
#include "issue/key.h"
#include "tests/support/cli.h"

#include <botan/x509cert.h>

#include <chrono>
#include <string>
#include <vector>

namespace pkitool::test {

class EmulatorFixture {
public:
    // Built on first use; openssl must be installed.
    static const EmulatorFixture& get();

    Botan::X509_Certificate cert(const std::string& name) const;
    issue::PrivateKey key(const std::string& name) const;
    fs::path path(const std::string& file) const { return dir_ / file; }

    // Anchor = the root CA with its CRL. Roles: "pkitool-emulate" (trusts any certificate) and
    // "OnlyMyOnpremVM" (StringEquals x509Subject/CN MyOnpremVM). Profiles: "profile" (both roles,
    // 43200 s), "short" (900 s), "disabled" (enabled = false).
    exchange::EmulatorConfig config() const;

private:
    EmulatorFixture();
    TempDir dir_holder_;
    fs::path dir_;
};

// A CreateSession request for certificate `name` signed with its key as the client does.
exchange::HttpRequest session_request(const std::string& name, const std::string& profile_arn, const std::string& role_arn,
                                      const std::string& anchor_arn, const std::string& body, std::chrono::system_clock::time_point when,
                                      const std::vector<std::string>& intermediates = {});

// Re-signs `req` with `key` over exactly `signed_headers`, keeping its other headers: for requests
// that are well signed yet break a rule (e.g. x-amz-x509 left out of SignedHeaders).
void resign(exchange::HttpRequest& req, const issue::PrivateKey& key, const Botan::X509_Certificate& leaf,
            const std::vector<std::string>& signed_headers);

}  // namespace pkitool::test
