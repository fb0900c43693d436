// Shared exchange flags, the key sources they name, and what they turn into.
#include "pkitool/exchange_options.h"

#include "base/pem.h"
#include "exchange/arn.h"
#include "exchange/client/reloading_identity.h"
#include "pkitool/terminal.h"
#include "exchange/loopback_server.h"
#include "issue/x509_file.h"
#include "base/error.h"
#include "base/files.h"

#include <botan/pkix_types.h>
#include <botan/x509cert.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

namespace pkitool::cli {

namespace {

using F = DeclaredFlags::Forward;

const std::string kKeyGroup = "Key and certificate";
const std::string kSessionGroup = "Roles Anywhere session";
const std::string kTokenGroup = "Key or certificate in a PKCS#11 token (pkcs11: URIs, RFC 7512)";
const std::string kOtherSources = "aws_signing_helper key sources pkitool does not support yet (each fails with the reason)";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool is_uri(const std::string& value) { return issue::pkcs11::KeyUri::looks_like(value); }

// A flag's value as messages show it: a URI without its pin-value.
std::string shown(const std::string& value) {
    if (!is_uri(value)) return value;
    try {
        return issue::pkcs11::KeyUri::parse(value).shown();
    } catch (const Error&) {
        return "pkcs11:(malformed URI)";  // parsing it for real says what is wrong, without the PIN
    }
}

// draft-woodhouse-cert-best-practice §3: an issuer's certificate is found by its subject and
// proved by its signature, as aws_signing_helper's getCertificateChain does.
bool issued(const Botan::X509_Certificate& issuer, const Botan::X509_Certificate& cert) {
    if (!(issuer.subject_dn() == cert.issuer_dn())) return false;
    try {
        std::unique_ptr<Botan::Public_Key> key(issuer.subject_public_key());
        return cert.check_signature(*key);
    } catch (const std::exception&) {
        return false;
    }
}

// An existing file, or a URI naming a key elsewhere (refused later by KeySource::check, with a
// clearer reason than "file does not exist").
CLI::Validator file_or(std::vector<const char*> schemes) {
    return CLI::Validator(
        [schemes](std::string& value) -> std::string {
            for (const char* s : schemes)
                if (starts_with(value, s)) return "";
            return CLI::ExistingFile(value);
        },
        "FILE");
}

}  // namespace

CLI::Option* DeclaredFlags::operator()(CLI::Option* option, Forward forward, const std::string& group) {
    option->group(group);
    declared_.emplace_back(option, forward);
    return option;
}

std::vector<std::string> DeclaredFlags::to_args() const {
    const auto abs = [](const std::string& p) { return std::filesystem::absolute(p).lexically_normal().string(); };
    std::vector<std::string> args;
    for (const auto& [option, forward] : declared_) {
        if (forward == Forward::No || option->count() == 0) continue;
        args.push_back(option->get_name());
        if (forward == Forward::Flag) continue;
        // A pkcs11: URI is not a path; it is written as given (configure refuses one with a PIN).
        for (const auto& value : option->results()) args.push_back(forward == Forward::Path && !is_uri(value) ? abs(value) : value);
    }
    return args;
}

void KeySource::add(CLI::App& app, Personality personality, Use use, DeclaredFlags& declare, const std::function<void()>& more) {
    personality_ = personality;
    use_ = use;
    const bool pkitool = personality == Personality::Pkitool;
    auto* cert = declare(app.add_option("--certificate", certificate,
                                        "Leaf certificate (PEM or DER) presented to Roles Anywhere, a PKCS#12 file (.p12, .pfx) holding "
                                        "the key, certificate and chain (then no --private-key), or a certificate in a token: "
                                        "'pkcs11:token=T;object=N' (then the chain is the token's other certificates unless --intermediates, "
                                        "and without --private-key the key is the token's key of the same label or id)"),
                         F::Path, kKeyGroup)
                     ->check(file_or({"pkcs11:"}))
                     ->option_text("FILE|URI");
    if (pkitool && use != Use::SignString) cert->required();
    CLI::Option* key = nullptr;
    if (use != Use::ReadCertificate) {
        key = declare(app.add_option("--private-key", private_key,
                                     "The certificate's private key: PKCS#8 (plain or encrypted), SEC1 or PKCS#1; PEM or DER; RSA or EC; a "
                                     "PKCS#12 file's key; or a key in a token, 'pkcs11:token=T;object=N', which signs there"),
                      F::Path, kKeyGroup)
                  ->check(file_or({"pkcs11:", "handle:"}))
                  ->option_text("FILE|URI");
        // Not required: a PKCS#12 --certificate holds the key (check() asks for it otherwise).
        passphrase.add(app, "decrypts --private-key or opens a PKCS#12 --certificate (an encrypted key or PKCS#12 file given none "
                            "asks for it on the terminal, once)");
        auto* file = declare(app.get_option(passphrase.flag), F::Path, kKeyGroup);
        // Not forwarded: `exchange configure` refuses to write a password into ~/.aws/config.
        auto* pw = declare(app.add_option("--pkcs8-password", pkcs8_password,
                                          "Password of an encrypted PKCS#8 --private-key, as aws_signing_helper takes it. A compatibility "
                                          "exception to pkitool's rule of no secrets on the command line: other local users can read it "
                                          "(ps, /proc); prefer --passphrase-file or PKITOOL_PASSPHRASE"),
                           F::No, kKeyGroup)
                       ->option_text("PASSWORD");
        pw->excludes(file);
    }
    if (more) more();

    auto* selector = declare(app.add_option("--cert-selector", cert_selector, "Pick a certificate from the OS certificate store (Windows, macOS)"),
                             F::Value, kOtherSources)
                         ->option_text("SELECTOR");
    auto* store = declare(app.add_option("--system-store-name", system_store_name, "Windows certificate store name"), F::Value, kOtherSources)
                      ->option_text("NAME (default MY)");
    if (pkitool) {
        token.add(app);
        declare(app.get_option("--pkcs11-lib"), F::Value, kTokenGroup);  // a name dlopen finds is no path to make absolute
        declare(app.get_option("--pin-file"), F::Path, kTokenGroup);
    } else {
        // The helper takes the PIN from the URI (pin-value, pin-source) or the terminal only.
        declare(app.add_option("--pkcs11-lib", token.module,
                               "PKCS#11 module for pkcs11: URIs (default: p11-kit's proxy, every module p11-kit knows); the PIN is the "
                               "URI's pin-value or pin-source, else asked on the terminal, once"),
                F::Value, kTokenGroup)
            ->option_text("LIB");
    }
    cert->excludes(selector)->excludes(store);
    if (use != Use::ReadCertificate) {
        auto* latest = declare(app.add_flag("--use-latest-expiring-certificate", use_latest_expiring_certificate,
                                            "OS certificate store: the match that expires last"),
                               F::Flag, kOtherSources);
        // Accepted so helper command lines run; pkitool logs in once with the user PIN and refuses a
        // key that wants a login for each signature (CKA_ALWAYS_AUTHENTICATE) with the reason.
        auto* reuse = declare(app.add_flag("--reuse-pin", reuse_pin,
                                           "aws_signing_helper's: the user PIN as an always-authenticate key's per-signature PIN. Accepted and "
                                           "without effect: pkitool logs in once and refuses such keys"),
                              F::Flag, kTokenGroup);
        auto* tpm_pw = declare(app.add_option("--tpm-key-password", tpm_key_password, "TPM key password"), F::No, kOtherSources)
                           ->option_text("PASSWORD");
        auto* no_tpm_pw = declare(app.add_flag("--no-tpm-key-password", no_tpm_key_password, "TPM key without a password"), F::Flag, kOtherSources);
        // aws_signing_helper's mutually exclusive pairs (its cmd/credentials.go and cmd/sign_string.go).
        key->excludes(selector)->excludes(store)->excludes(latest);
        latest->excludes(reuse);
        selector->excludes(reuse);
        store->excludes(reuse);
        tpm_pw->excludes(selector)->excludes(reuse)->excludes(no_tpm_pw);
        no_tpm_pw->excludes(selector);
        if (use == Use::SignString) no_tpm_pw->excludes(reuse);
        tpm_pw->excludes(app.get_option("--pkcs8-password"));
    }
    declare(app.add_flag("--debug", debug, "Print what is signed on stderr (never keys or secrets)"), F::No, "Other");
}

void KeySource::check() const {
    // The order aws_signing_helper decides in: the OS store when no file is named, then tokens,
    // then TPM keys, then PKCS#12, then PEM files.
    const bool wants_key = use_ != Use::ReadCertificate;
    if (personality_ == Personality::Pkitool && wants_key && certificate.empty() && private_key.empty())
        throw usage_error("--private-key is required", "give the key file with --private-key FILE, or a PKCS#12 file with --certificate FILE");
    if ((certificate.empty() && (!wants_key || private_key.empty())) || !cert_selector.empty() || system_store_name != "MY")
        throw Error("unable to use cert store signer on linux",
                    "pkitool reads no OS certificate store; give --certificate FILE" + std::string(wants_key ? " and --private-key FILE" : ""));
    // A malformed URI is refused before any module is loaded, naming the attribute.
    if (is_uri(certificate)) issue::pkcs11::KeyUri::parse(certificate);
    if (!wants_key) return;
    if (is_uri(private_key)) issue::pkcs11::KeyUri::parse(private_key);
    const ExitCode usage = personality_ == Personality::Pkitool ? ExitCode::Usage : ExitCode::Failure;
    if (issue::tpm2::parse_handle(private_key) && tpm_key_password.empty() && !no_tpm_key_password)
        throw Error("--private-key " + private_key + ": a TPM key handle needs --tpm-key-password PASSWORD or --no-tpm-key-password", "", usage);
    if ((!tpm_key_password.empty() || no_tpm_key_password) && !key_in_tpm())
        throw Error(std::string(no_tpm_key_password ? "--no-tpm-key-password" : "--tpm-key-password") +
                        " is for a TPM 2.0 key: --private-key handle:0x81... or a TSS2 PRIVATE KEY file", "", usage);
    if (private_key.empty() && is_uri(certificate)) return;  // the token's key of that certificate
    if (private_key.empty()) {
        // The helper reads a certificate file with no key as PKCS#12.
        const auto data = files::read(certificate);
        if (issue::Pkcs12::detect(data)) return;
        if (issue::detect_kind(data) == issue::FileKind::Certificate)
            throw Error("--private-key is missing: " + certificate + " is a certificate, and its key is not in it",
                        "give the key file with --private-key FILE", personality_ == Personality::Pkitool ? ExitCode::Usage : ExitCode::Failure);
        throw Error(certificate + ": neither a certificate nor a PKCS#12 file", "give a PEM or DER certificate, or a .p12/.pfx file");
    }
    // aws_signing_helper's own words: a file key signs only with a certificate named beside it
    // (a token key alone signs the test string; a session needs the certificate).
    if (certificate.empty() && personality_ == Personality::SigningHelper && (!is_uri(private_key) || use_ == Use::Session))
        throw Error("undefined certificate value", "give the key's certificate with --certificate FILE");
}

issue::Passphrase KeySource::passphrase_value() const {
    if (!pkcs8_password.empty()) return pkcs8_password;
    return passphrase.get();
}

bool KeySource::from_pkcs12() const {
    if (!private_key.empty() || certificate.empty() || is_uri(certificate)) return false;
    try {
        return issue::Pkcs12::detect(files::read(certificate));
    } catch (const Error&) {
        return false;  // reading it for real says why it cannot be read
    }
}

issue::Passphrase KeySource::password_for(const std::vector<uint8_t>& data, const std::string& file) const {
    if (!password_) {
        auto given = passphrase_value();
        password_ = given ? given : passphrase.for_key(data, files::name_of(file));
    }
    return *password_;
}

issue::Pkcs12 KeySource::pkcs12() const {
    const auto data = files::read(certificate);
    auto p12 = issue::Pkcs12::parse(data, files::name_of(certificate), password_for(data, certificate));
    if (!p12.key) throw Error(certificate + ": the PKCS#12 file holds no private key", "export it again with its key, or give --private-key FILE");
    if (!p12.leaf) throw Error(certificate + ": the PKCS#12 file holds no certificate of its private key", "export it again with the key's certificate");
    return p12;
}

bool KeySource::certificate_in_token() const { return is_uri(certificate); }

bool KeySource::key_in_token() const { return is_uri(private_key) || (private_key.empty() && is_uri(certificate)); }

bool KeySource::key_in_tpm() const {
    if (private_key.empty() || is_uri(private_key)) return false;
    if (private_key.starts_with("handle:")) return true;
    try {
        return issue::tpm2::is_key_file(files::read(private_key));
    } catch (const Error&) {
        return false;  // reading it for real says why it cannot be read
    }
}

std::string KeySource::certificate_shown() const { return shown(certificate); }

issue::pkcs11::Access KeySource::access() const {
    if (personality_ == Personality::Pkitool) return token.access();
    // Asked once per token and process: the token session remembers a PIN that logged in.
    return issue::pkcs11::Access{token.module, [](const std::string& name) -> std::string {
                                     auto given = ask_secret("Please enter your user PIN for " + name + ": ");
                                     if (!given) throw Error(name + " needs a PIN", "add pin-value=PIN to the URI, or run on a terminal");
                                     return *given;
                                 }};
}

issue::pkcs11::KeyUri KeySource::key_uri() const { return issue::pkcs11::KeyUri::parse(is_uri(private_key) ? private_key : certificate); }

std::vector<issue::pkcs11::TokenCertificate> KeySource::token_certificates() const {
    return issue::pkcs11::find_certificates(issue::pkcs11::KeyUri::parse(certificate), access());
}

std::vector<Botan::X509_Certificate> KeySource::token_chain(const Botan::X509_Certificate& leaf) const {
    std::vector<Botan::X509_Certificate> others;
    for (const auto& c : issue::pkcs11::find_certificates(issue::pkcs11::KeyUri::parse(certificate), access(), true)) {
        try {
            Botan::X509_Certificate cert(c.der);
            if (!(cert == leaf)) others.push_back(std::move(cert));
        } catch (const std::exception&) {
            // not X.509 (CKC_X_509 is not the only certificate type): no link of a chain
        }
    }
    std::vector<Botan::X509_Certificate> chain;
    const Botan::X509_Certificate* last = &leaf;
    while (true) {
        const auto next = std::find_if(others.begin(), others.end(), [&](const auto& c) { return issued(c, *last); });
        if (next == others.end() || next->is_self_signed()) break;
        chain.push_back(*next);
        others.erase(next);
        last = &chain.back();
    }
    return chain;
}

Botan::X509_Certificate KeySource::leaf() const {
    if (from_pkcs12()) return *pkcs12().leaf;
    if (!certificate_in_token()) return pem::load_certificate(certificate);
    const auto found = token_certificates();
    if (found.empty())
        throw Error(certificate_shown() + ": no matching certificates on the token", "list its objects: pkcs11-tool --list-objects");
    if (found.size() > 1) {
        std::string names;
        for (const auto& c : found) names += (names.empty() ? "'" : ", '") + c.label + "'";
        throw Error(certificate_shown() + ": multiple matching certificates: " + names, "name one: add object=... or id=... to the URI");
    }
    try {
        return Botan::X509_Certificate(found.front().der);
    } catch (const std::exception& e) {
        throw Error(certificate_shown() + ": the token's certificate is not X.509 DER: " + e.what());
    }
}

issue::PrivateKey KeySource::matching_key() const {
    if (from_pkcs12()) return *pkcs12().key;  // the leaf was chosen as the certificate of this key
    std::optional<issue::PrivateKey> key;
    if (key_in_token()) {
        if (!token_key_) token_key_ = issue::PrivateKey::in_token(key_uri(), access());
        key = *token_key_;
    } else if (key_in_tpm()) {
        // Loaded into the TPM once per process, like a token key.
        const issue::tpm2::KeyPassword password = tpm_key_password.empty() ? std::nullopt : issue::tpm2::KeyPassword(tpm_key_password);
        if (!token_key_) {
            if (const auto handle = issue::tpm2::parse_handle(private_key)) token_key_ = issue::PrivateKey::at_tpm_handle(*handle, password);
            else token_key_ = issue::PrivateKey::in_tpm(files::read(private_key), files::name_of(private_key), password);
        }
        key = *token_key_;
    } else {
        const auto data = files::read(private_key);
        key = issue::PrivateKey::parse(data, files::name_of(private_key), password_for(data, private_key));
    }
    if (certificate.empty()) return *key;
    const auto cert = leaf();
    std::unique_ptr<Botan::Public_Key> pub(cert.subject_public_key());
    // A token key is proved by a signature (the public half beside it on the token is a claim).
    const bool matches = key_in_token() || key_in_tpm() ? exchange::signs_for(*key, *pub) : issue::keys_match(key->botan(), *pub);
    if (!matches)
        throw Error(shown(private_key.empty() ? certificate : private_key) + ": is not the key of " + certificate_shown(),
                    "pass the private key that belongs to --certificate");
    return *key;
}

std::string uri_of(const issue::pkcs11::TokenCertificate& cert) {
    const auto encode = [](const uint8_t* p, size_t n, bool all) {
        std::string out;
        for (size_t i = 0; i < n; ++i) {
            const char c = static_cast<char>(p[i]);
            if (!all && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~')) out += c;
            else out += fmt::format("%{:02X}", p[i]);
        }
        return out;
    };
    const auto text = [&](const std::string& s) { return encode(reinterpret_cast<const uint8_t*>(s.data()), s.size(), false); };
    std::string uri = "pkcs11:token=" + text(cert.token);
    if (!cert.label.empty()) uri += ";object=" + text(cert.label);
    if (!cert.id.empty()) uri += ";id=" + encode(cert.id.data(), cert.id.size(), true);
    return uri + ";type=cert";
}

void ExchangeOptions::add(CLI::App& app, Personality personality) {
    personality_ = personality;
    const bool pkitool = personality == Personality::Pkitool;
    auto& d = declared_;
    CLI::Option* chain = nullptr;
    key.add(app, personality, KeySource::Use::Session, d, [&] {
        chain = d(app.add_option("--intermediates", intermediates, "PEM bundle of intermediate CAs, the leaf's issuer first (sent as X-Amz-X509-Chain)"),
                  F::Path, kKeyGroup)
                    ->check(CLI::ExistingFile)
                    ->option_text("FILE");
        const auto arn = [&](const char* name, std::string& field, const char* what) {
            auto* o = d(app.add_option(name, field, what), F::Value, kSessionGroup)->option_text("ARN");
            if (pkitool) o->required();
        };
        arn("--trust-anchor-arn", target.trust_anchor_arn, "Trust anchor ARN");
        arn("--profile-arn", target.profile_arn, "Roles Anywhere profile ARN");
        arn("--role-arn", target.role_arn, "IAM role ARN to assume");
        d(app.add_option("--region", target.region, "AWS region (default: the trust anchor ARN's)"), F::Value, kSessionGroup)->option_text("REGION");
        d(app.add_option("--endpoint", target.endpoint, "Roles Anywhere endpoint URL (default https://rolesanywhere.REGION.amazonaws.com)"),
          F::Value, kSessionGroup)
            ->option_text("URL");
        // The helper leaves the range to the service (900..43200, "CreateSession" API reference).
        auto* duration = d(app.add_option("--session-duration", target.duration_seconds, "Session duration in seconds"), F::Value, kSessionGroup)
                             ->option_text("SECONDS (default 3600)");
        if (pkitool) duration->check(CLI::Range(900u, 43200u));
        d(app.add_option("--role-session-name", target.role_session_name, "Role session name (default: the certificate serial in hex)"),
          F::Value, kSessionGroup)
            ->option_text("NAME");
        d(app.add_option("--ca-bundle", ca_bundle,
                         "PEM file of the CAs the endpoint's TLS certificate is checked against, instead of the system's store, for a "
                         "private endpoint (default: $AWS_CA_BUNDLE, else $SSL_CERT_FILE, else the system's store)"),
          F::Path, kSessionGroup)
            ->check(CLI::ExistingFile)
            ->option_text("FILE");
        d(app.add_flag("--no-verify-ssl", no_verify_ssl, "Do not verify the endpoint's TLS certificate (testing only)"), F::Flag, kSessionGroup);
        d(app.add_flag("--with-proxy", with_proxy,
                       "Send requests through the proxy in $HTTPS_PROXY (https:// endpoints) or $HTTP_PROXY (http://), lower-case names "
                       "too, except to localhost, loopback addresses and hosts in $NO_PROXY (names match their subdomains; IPs, CIDRs, "
                       "* for all), as aws_signing_helper does; without it no proxy is used, whatever the environment says"),
          F::Flag, kSessionGroup);
        if (pkitool)
            d(app.add_flag("--no-cache", no_cache, "credential-process: always call CreateSession, neither read nor write the cache"), F::Flag,
              kSessionGroup);
    });
    // Also the helper's: a chain comes with a certificate file, never from a store.
    chain->excludes(app.get_option("--cert-selector"))->excludes(app.get_option("--use-latest-expiring-certificate"));
}

void ExchangeOptions::check() const {
    key.check();
    // aws_signing_helper's rule and words: the chain comes from the file.
    if (!intermediates.empty() && key.from_pkcs12())
        throw usage_error("--intermediates " + intermediates + ": can't specify certificate chain when using PKCS#12 files; certificate "
                          "bundle should be provided within the PKCS#12 file",
                          "leave out --intermediates: the chain in " + key.certificate + " is sent");
    target.check_arns();
    if (personality_ == Personality::SigningHelper &&
        exchange::region_of_arn(target.trust_anchor_arn) != exchange::Arn::parse(target.profile_arn, exchange::ArnType::Profile).region)
        throw Error("trust anchor and profile regions don't match", "use a profile from the trust anchor's region");
    if (const auto t = transport(); t.verify_tls) t.trust_store.check();
}

exchange::SessionIdentity ExchangeOptions::identity() const {
    if (key.from_pkcs12()) {
        auto p12 = key.pkcs12();
        return {std::move(*p12.key), std::move(*p12.leaf), std::move(p12.chain), key.certificate};
    }
    auto k = key.matching_key();
    auto cert = leaf();
    std::vector<Botan::X509_Certificate> chain;
    if (!intermediates.empty()) chain = pem::load_certificates(intermediates);
    else if (key.certificate_in_token()) chain = key.token_chain(cert);  // as the helper: the token's certificates
    return {std::move(k), std::move(cert), std::move(chain), key.certificate_shown()};
}

exchange::TransportOptions ExchangeOptions::transport() const {
    exchange::TransportOptions t;
    t.verify_tls = !no_verify_ssl;
    t.use_proxy = with_proxy;
    t.trust_store = exchange::TrustStore::choose(ca_bundle);
    return t;
}

exchange::CredentialSource ExchangeOptions::source(std::ostream& debug_stream, const std::function<void(const std::string&)>& warn) const {
    // What can change on disk; a token's key and certificates are read once (a URI is no path).
    std::vector<std::filesystem::path> files;
    if (!key.certificate_in_token()) files.emplace_back(key.certificate);
    if (!key.private_key.empty() && !is_uri(key.private_key) && !key.private_key.starts_with("handle:"))
        files.emplace_back(key.private_key);  // none: PKCS#12, token or TPM handle
    if (!intermediates.empty()) files.emplace_back(intermediates);
    auto current = std::make_shared<exchange::ReloadingIdentity>(std::move(files), [this] { return identity(); },
                                                                 warn ? warn : [](const std::string&) {});
    return [this, &debug_stream, current] {
        try {
            return exchange::create_session(target, current->current(exchange::Clock::now()), transport(), key.debug ? &debug_stream : nullptr);
        } catch (Error& e) {
            // The transport says the endpoint's certificate was not trusted by offering to skip
            // the check; the way to trust a private CA is this command's to word.
            const auto& steps = e.steps();
            if (std::any_of(steps.begin(), steps.end(), [](const NextStep& s) { return s.kind == NextStep::Kind::SkipTlsCheck; }))
                e.with_hint("to trust the private CA that signed it, give its certificate: --ca-bundle CA.pem, or AWS_CA_BUNDLE=CA.pem");
            throw;
        }
    };
}

void ServeOptions::add(CLI::App& app) {
    port.add(app);
    app.get_option("--port")->description("TCP port on the --bind address (default " + std::to_string(port.port) +
                                          "); 0 picks a free one, printed at start");
    app.add_option("--bind", bind,
                   "IPv4 or IPv6 address to listen on (default 127.0.0.1; :: is IPv6 only). One that is not loopback needs "
                   "--allow-remote")
        ->check(CLI::Validator(
            [](std::string& value) -> std::string {
                return exchange::is_ip_literal(value) ? "" : "not an IPv4 or IPv6 address (a literal such as 127.0.0.1 or ::1): " + value;
            },
            "ADDR"))
        ->option_text("ADDR");
    app.add_flag("--allow-remote", allow_remote,
                 "Serve on a --bind address other hosts (containers) can reach: anyone who reaches it gets the role's credentials");
    app.add_option("--hop-limit", hop_limit, "IP TTL of the answers (default 64); 1 keeps them on this host, as EC2's metadata service does")
        ->check(CLI::Range(1, 255))
        ->option_text("N");
}

bool ServeOptions::remote() const { return !exchange::is_loopback_address(bind); }

void ServeOptions::check() const {
    if (remote() && !allow_remote)
        throw usage_error("--bind " + bind + ": not a loopback address: anyone who can reach it would get the role's credentials",
                          "pass --allow-remote to serve them beyond this host anyway, or bind 127.0.0.1 or ::1");
}

void TestSignatureOptions::add(CLI::App& app, Personality personality) {
    std::map<std::string, exchange::TestDigest> digests;
    for (const auto d : {exchange::TestDigest::Sha256, exchange::TestDigest::Sha384, exchange::TestDigest::Sha512}) digests[to_string(d)] = d;
    app.add_option("--digest", digest, "Hash signed: SHA256, SHA384 or SHA512")
        ->transform(CLI::CheckedTransformer(digests))
        ->option_text("SHA256|SHA384|SHA512 (default SHA256)");
    if (personality == Personality::SigningHelper)
        app.add_option("--format", format, "json: the hex signature as a JSON string; text: hex; bin: the raw bytes")
            ->check(CLI::IsMember({"json", "text", "bin"}))
            ->option_text("json|text|bin (default json)");
}

}  // namespace pkitool::cli
