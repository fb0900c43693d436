// The flags every `pkitool exchange` command shares, declared once (style.md rule 3). Names match
// aws_signing_helper's, so an existing credential_process line switches by changing the program.
#pragma once

#include "exchange/client/session.h"
#include "pkitool/options.h"

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace pkitool::cli {

struct ExchangeOptions {
    std::string certificate, private_key, intermediates;
    PassphraseOption passphrase;
    exchange::SessionTarget target;
    bool no_verify_ssl = false, with_proxy = false, no_cache = false, debug = false;

    void add(CLI::App& app);

    // Loads the certificate, chain and key; Error when the key does not match the certificate.
    exchange::SessionIdentity identity() const;
    Botan::X509_Certificate leaf() const;
    exchange::TransportOptions transport() const;
    // CreateSession bound to these options; --debug output goes to `debug_stream`.
    exchange::CredentialSource source(std::ostream& debug_stream) const;

    // The flags given, again, with absolute paths, for a credential_process line.
    std::vector<std::string> to_args() const;

private:
    enum class Forward { Path, Value, Flag, No };  // how to_args() writes a flag
    struct Declared {
        CLI::Option* option;
        Forward forward;
    };
    std::vector<Declared> declared_;
};

}  // namespace pkitool::cli
