// The flags every `pkitool exchange` command shares, declared once (style.md rule 3). Names match
// aws_signing_helper's, so an existing credential_process line switches by changing the program;
// invoked under that name, pkitool parses them as the helper does (Personality::SigningHelper).
#pragma once

#include "exchange/client/session.h"
#include "exchange/client/test_signature.h"
#include "issue/pkcs11/token_key.h"
#include "issue/pkcs12.h"
#include "pkitool/options.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace pkitool::cli {

// Whose command line is parsed: pkitool's own (required flags, checked ranges, exit 2 for usage)
// or aws_signing_helper 1.8's (every flag optional as it defines them, every failure exit 1).
enum class Personality { Pkitool, SigningHelper };

// The flags one command declared, in order, with how each is given again on a credential_process
// line (`exchange configure`), so a new flag cannot be forgotten there.
class DeclaredFlags {
public:
    enum class Forward { Path, Value, Flag, No };
    CLI::Option* operator()(CLI::Option* option, Forward forward, const std::string& group);
    // What was given, as given, with file paths made absolute (credential_process runs anywhere).
    std::vector<std::string> to_args() const;

private:
    std::vector<std::pair<CLI::Option*, Forward>> declared_;
};

// Where the signing key and certificate come from: PEM or DER files, a PKCS#12 --certificate
// with no --private-key (key, leaf and chain from the file, as aws_signing_helper reads it), or a
// PKCS#11 token (issue #11): --private-key and/or --certificate as pkcs11: URIs (RFC 7512); the
// key signs in the token, the chain comes from the token's other certificates when
// --intermediates is not given, and a --certificate URI alone names the key too (the key of the
// same label or id, draft-woodhouse-cert-best-practice §8.2, as the helper looks for it). The
// helper's TPM 2.0 keys too: --private-key handle:0x81... or a TSS2 PRIVATE KEY file, with
// --tpm-key-password or --no-tpm-key-password. OS certificate stores are accepted as flags and
// refused by check() with the reason, so a line written for the helper fails clearly.
struct KeySource {
    // What the command needs: a key and certificate (credential-process, serve, update), a key
    // whose certificate is optional in pkitool (sign-string), or a certificate (read-certificate-data).
    enum class Use { Session, SignString, ReadCertificate };

    std::string certificate, private_key;
    PassphraseOption passphrase;
    std::string pkcs8_password;
    std::string cert_selector, system_store_name = "MY", tpm_key_password;
    // --pkcs11-lib (both personalities) and pkitool's --pin-file / PKITOOL_PIN.
    TokenOption token;
    bool use_latest_expiring_certificate = false, reuse_pin = false, no_tpm_key_password = false, debug = false;

    // Declares the flags `use` needs in `personality`; `more` declares the command's own between the
    // file flags and the other sources, so --help lists what works first.
    void add(CLI::App& app, Personality personality, Use use, DeclaredFlags& declared, const std::function<void()>& more = {});

    // Error when the flags ask for a source pkitool cannot use yet, before any file is read.
    void check() const;
    issue::Passphrase passphrase_value() const;  // --pkcs8-password, else --passphrase-file / PKITOOL_PASSPHRASE
    // True when the key comes from a PKCS#12 --certificate (no --private-key given).
    bool from_pkcs12() const;
    // That file, opened with password_for() it.
    issue::Pkcs12 pkcs12() const;
    Botan::X509_Certificate leaf() const;
    // The key, decrypted with password_for() its file; Error when --certificate is given and the
    // key is not its key.
    issue::PrivateKey matching_key() const;

    bool certificate_in_token() const;
    bool key_in_token() const;  // a --private-key URI, or a --certificate URI with no --private-key
    bool key_in_tpm() const;    // a --private-key handle:0x81..., or a TSS2 PRIVATE KEY file
    // The token certificates --certificate names (read-certificate-data lists them).
    std::vector<issue::pkcs11::TokenCertificate> token_certificates() const;
    // The leaf's issuers among the token's other certificates, the leaf's issuer first, up to and
    // without a self-signed root (the service holds the trust anchor).
    std::vector<Botan::X509_Certificate> token_chain(const Botan::X509_Certificate& leaf) const;
    // --certificate as messages may show it: the path, or the URI without its PIN.
    std::string certificate_shown() const;

private:
    issue::pkcs11::Access access() const;
    issue::pkcs11::KeyUri key_uri() const;
    // passphrase_value(), else (when the key or PKCS#12 file needs one) what is typed on the
    // terminal, asked once per process and kept for the re-reads that follow (serve, update).
    issue::Passphrase password_for(const std::vector<uint8_t>& data, const std::string& file) const;
    mutable std::optional<issue::Passphrase> password_;
    // A token key is opened once per process (one login, one PIN) and kept: serve and update
    // sign with it again after a renewed certificate file is read.
    mutable std::optional<issue::PrivateKey> token_key_;
    Personality personality_ = Personality::Pkitool;
    Use use_ = Use::Session;
};

// The RFC 7512 URI of a certificate object: token, object and id percent-encoded (§2.3), type=cert.
std::string uri_of(const issue::pkcs11::TokenCertificate& cert);

struct ExchangeOptions {
    KeySource key;
    std::string intermediates;
    exchange::SessionTarget target;
    std::string ca_bundle;  // --ca-bundle; empty: AWS_CA_BUNDLE, SSL_CERT_FILE, the system's store
    bool no_verify_ssl = false, with_proxy = false, no_cache = false;

    void add(CLI::App& app, Personality personality = Personality::Pkitool);

    // The checks a command makes before anything else: the key source (KeySource::check), the
    // three ARNs, under the helper's name its rule that anchor and profile share a region, that
    // --intermediates does not come with a PKCS#12 file (which holds the chain), and that the CA
    // bundle in use (when TLS is verified) can be read.
    void check() const;
    // Loads the certificate, chain and key (from the PKCS#12 file, when that is the source); Error
    // when the key does not match the certificate.
    exchange::SessionIdentity identity() const;
    Botan::X509_Certificate leaf() const { return key.leaf(); }
    exchange::TransportOptions transport() const;
    // CreateSession bound to these options; --debug output goes to `debug_stream`. Before each
    // call the files' stamps are compared (exchange/client/reloading_identity.h): a renewed
    // certificate and key are picked up when the pair matches and is valid, else the previous pair
    // is kept and `warn` told once. An endpoint whose TLS certificate is not trusted gets the hint
    // of how to trust its CA.
    exchange::CredentialSource source(std::ostream& debug_stream, const std::function<void(const std::string&)>& warn = {}) const;

    // The flags given, again, with absolute paths, for a credential_process line.
    std::vector<std::string> to_args() const { return declared_.to_args(); }

private:
    Personality personality_ = Personality::Pkitool;
    DeclaredFlags declared_;
};

// serve's listening flags: --port (9911, the helper's), --hop-limit (64, the helper's; 1 makes
// answers die at the first hop as EC2's metadata service does), and --bind (127.0.0.1; another
// address, for containers, as the helper's users ask in its GitHub issues #76 and #126) with
// --allow-remote, without which nothing beyond this host is served.
struct ServeOptions {
    PortOption port{9911};
    int hop_limit = 64;
    std::string bind = "127.0.0.1";
    bool allow_remote = false;
    void add(CLI::App& app);
    // Usage Error when --bind is not a loopback address and --allow-remote was not given.
    void check() const;
    bool remote() const;  // --bind is not a loopback address
};

// sign-string's --digest, and under the helper's name its --format json|text|bin.
struct TestSignatureOptions {
    exchange::TestDigest digest = exchange::TestDigest::Sha256;
    std::string format = "json";
    void add(CLI::App& app, Personality personality);
};

}  // namespace pkitool::cli
