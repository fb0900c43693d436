// Shared exchange flags and what they turn into.
#include "pkitool/exchange_options.h"

#include "base/pem.h"
#include "base/error.h"

#include <filesystem>

namespace pkitool::cli {

void ExchangeOptions::add(CLI::App& app) {
    const std::string g = "Roles Anywhere session";
    app.add_option("--certificate", certificate, "Leaf certificate (PEM or DER) presented to Roles Anywhere")
        ->required()->check(CLI::ExistingFile)->option_text("FILE")->group(g);
    app.add_option("--private-key", private_key, "The certificate's private key (PKCS#8 PEM or DER; RSA or EC)")
        ->required()->check(CLI::ExistingFile)->option_text("FILE")->group(g);
    app.add_option("--intermediates", intermediates, "PEM bundle of intermediate CAs, the leaf's issuer first (sent as X-Amz-X509-Chain)")
        ->check(CLI::ExistingFile)->option_text("FILE")->group(g);
    passphrase.add(app, "decrypts --private-key");
    app.add_option("--trust-anchor-arn", target.trust_anchor_arn, "Trust anchor ARN")->required()->option_text("ARN")->group(g);
    app.add_option("--profile-arn", target.profile_arn, "Roles Anywhere profile ARN")->required()->option_text("ARN")->group(g);
    app.add_option("--role-arn", target.role_arn, "IAM role ARN to assume")->required()->option_text("ARN")->group(g);
    app.add_option("--region", target.region, "AWS region (default: the trust anchor ARN's)")->option_text("REGION")->group(g);
    app.add_option("--endpoint", target.endpoint, "Roles Anywhere endpoint URL (default https://rolesanywhere.REGION.amazonaws.com)")
        ->option_text("URL")->group(g);
    app.add_option("--session-duration", target.duration_seconds, "Session duration in seconds")
        ->check(CLI::Range(900u, 43200u))->option_text("SECONDS (default 3600)")->group(g);
    app.add_option("--role-session-name", target.role_session_name, "Role session name (default: the certificate serial in hex)")
        ->option_text("NAME")->group(g);
    app.add_flag("--no-verify-ssl", no_verify_ssl, "Do not verify the endpoint's TLS certificate (testing only)")->group(g);
    app.add_flag("--with-proxy", with_proxy, "Use the proxy from https_proxy/http_proxy/no_proxy (ignored otherwise)")->group(g);
    app.add_flag("--no-cache", no_cache, "credential-process: always call CreateSession, neither read nor write the cache")->group(g);
    app.add_flag("--debug", debug, "Print the canonical request and string to sign on stderr (never keys or secrets)")->group(g);
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
    const auto abs = [](const std::string& p) { return std::filesystem::absolute(p).lexically_normal().string(); };
    std::vector<std::string> a = {"--certificate", abs(certificate), "--private-key", abs(private_key)};
    if (!intermediates.empty()) a.insert(a.end(), {"--intermediates", abs(intermediates)});
    if (!passphrase.file.empty()) a.insert(a.end(), {"--passphrase-file", abs(passphrase.file)});
    a.insert(a.end(), {"--trust-anchor-arn", target.trust_anchor_arn, "--profile-arn", target.profile_arn, "--role-arn", target.role_arn});
    if (!target.region.empty()) a.insert(a.end(), {"--region", target.region});
    if (!target.endpoint.empty()) a.insert(a.end(), {"--endpoint", target.endpoint});
    if (target.duration_seconds != 3600) a.insert(a.end(), {"--session-duration", std::to_string(target.duration_seconds)});
    if (!target.role_session_name.empty()) a.insert(a.end(), {"--role-session-name", target.role_session_name});
    if (no_verify_ssl) a.push_back("--no-verify-ssl");
    if (with_proxy) a.push_back("--with-proxy");
    if (no_cache) a.push_back("--no-cache");
    return a;  // --debug is left out: credential_process stderr is not a place for traces
}

}  // namespace pkitool::cli
