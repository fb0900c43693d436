// Shared exchange flags and what they turn into.
#include "pkitool/exchange_options.h"

#include "base/pem.h"
#include "base/error.h"

#include <filesystem>

namespace pkitool::cli {

void ExchangeOptions::add(CLI::App& app) {
    const std::string g = "Roles Anywhere session";
    using F = Forward;
    const auto declare = [this, &g](CLI::Option* o, Forward f) {
        o->group(g);
        declared_.push_back({o, f});
        return o;
    };
    declare(app.add_option("--certificate", certificate, "Leaf certificate (PEM or DER) presented to Roles Anywhere"), F::Path)
        ->required()->check(CLI::ExistingFile)->option_text("FILE");
    declare(app.add_option("--private-key", private_key, "The certificate's private key (PKCS#8 PEM or DER; RSA or EC)"), F::Path)
        ->required()->check(CLI::ExistingFile)->option_text("FILE");
    declare(app.add_option("--intermediates", intermediates, "PEM bundle of intermediate CAs, the leaf's issuer first (sent as X-Amz-X509-Chain)"), F::Path)
        ->check(CLI::ExistingFile)->option_text("FILE");
    passphrase.add(app, "decrypts --private-key");
    declare(app.get_option(passphrase.flag), F::Path);
    declare(app.add_option("--trust-anchor-arn", target.trust_anchor_arn, "Trust anchor ARN"), F::Value)->required()->option_text("ARN");
    declare(app.add_option("--profile-arn", target.profile_arn, "Roles Anywhere profile ARN"), F::Value)->required()->option_text("ARN");
    declare(app.add_option("--role-arn", target.role_arn, "IAM role ARN to assume"), F::Value)->required()->option_text("ARN");
    declare(app.add_option("--region", target.region, "AWS region (default: the trust anchor ARN's)"), F::Value)->option_text("REGION");
    declare(app.add_option("--endpoint", target.endpoint, "Roles Anywhere endpoint URL (default https://rolesanywhere.REGION.amazonaws.com)"), F::Value)
        ->option_text("URL");
    declare(app.add_option("--session-duration", target.duration_seconds, "Session duration in seconds"), F::Value)
        ->check(CLI::Range(900u, 43200u))->option_text("SECONDS (default 3600)");
    declare(app.add_option("--role-session-name", target.role_session_name, "Role session name (default: the certificate serial in hex)"), F::Value)
        ->option_text("NAME");
    declare(app.add_flag("--no-verify-ssl", no_verify_ssl, "Do not verify the endpoint's TLS certificate (testing only)"), F::Flag);
    declare(app.add_flag("--with-proxy", with_proxy, "Use the proxy from https_proxy/http_proxy/no_proxy (ignored otherwise)"), F::Flag);
    declare(app.add_flag("--no-cache", no_cache, "credential-process: always call CreateSession, neither read nor write the cache"), F::Flag);
    // --debug is not forwarded: credential_process stderr is not a place for traces.
    declare(app.add_flag("--debug", debug, "Print the canonical request and string to sign on stderr (never keys or secrets)"), F::No);
}

Botan::X509_Certificate ExchangeOptions::leaf() const { return pem::load_certificate(certificate); }

exchange::SessionIdentity ExchangeOptions::identity() const {
    auto key = issue::PrivateKey::load(private_key, passphrase.get());
    auto cert = leaf();
    std::unique_ptr<Botan::Public_Key> pub(cert.subject_public_key());
    if (!issue::keys_match(key.botan(), *pub))
        throw Error(private_key + ": is not the key of " + certificate, "pass the private key that belongs to --certificate");
    std::vector<Botan::X509_Certificate> chain;
    if (!intermediates.empty()) chain = pem::load_certificates(intermediates);
    return {std::move(key), std::move(cert), std::move(chain), certificate};
}

exchange::TransportOptions ExchangeOptions::transport() const {
    exchange::TransportOptions t;
    t.verify_tls = !no_verify_ssl;
    t.use_proxy = with_proxy;
    return t;
}

exchange::CredentialSource ExchangeOptions::source(std::ostream& debug_stream) const {
    return [this, &debug_stream] { return exchange::create_session(target, identity(), transport(), debug ? &debug_stream : nullptr); };
}

std::vector<std::string> ExchangeOptions::to_args() const {
    // From the table add() declared, so a new flag cannot be forgotten here: what was given, as
    // given, with file paths made absolute (credential_process runs from any directory).
    const auto abs = [](const std::string& p) { return std::filesystem::absolute(p).lexically_normal().string(); };
    std::vector<std::string> args;
    for (const auto& [option, forward] : declared_) {
        if (forward == Forward::No || option->count() == 0) continue;
        args.push_back(option->get_name());
        if (forward == Forward::Flag) continue;
        for (const auto& value : option->results()) args.push_back(forward == Forward::Path ? abs(value) : value);
    }
    return args;
}

}  // namespace pkitool::cli
