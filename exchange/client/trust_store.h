// Which CAs the endpoint's TLS certificate is checked against: a PEM bundle the caller names, or
// one named by AWS_CA_BUNDLE or SSL_CERT_FILE, else the system's store. A private Roles Anywhere
// endpoint (a VPC interface endpoint behind a TLS-inspecting proxy, a test rig) needs its CA here.
#pragma once

#include <string>

namespace pkitool::exchange {

struct TrustStore {
    // The environment variables read, in order: the AWS CLI's and SDKs' (AWS CLI User Guide,
    // "Environment variables to configure the AWS CLI": AWS_CA_BUNDLE), then OpenSSL's override
    // of its default CA file (openssl-env(7): SSL_CERT_FILE), which libcurl itself does not read.
    static constexpr const char* kAwsCaBundle = "AWS_CA_BUNDLE";
    static constexpr const char* kSslCertFile = "SSL_CERT_FILE";
    // The name of the caller's own setting, in Error::Input (the CLI words it as its flag).
    static constexpr const char* kGiven = "ca_bundle";

    std::string file;    // empty: the system's store
    std::string origin;  // who named `file`: kGiven, kAwsCaBundle or kSslCertFile

    // `given` when not empty, else $AWS_CA_BUNDLE, else $SSL_CERT_FILE (empty values skipped),
    // else the system's store. The bundle replaces the system's store, as in the AWS SDKs.
    static TrustStore choose(const std::string& given);

    // Error about the input that named the file (Error::Input{origin, file}) when it cannot be
    // read or holds no PEM certificate; libcurl would otherwise fail every request with a vaguer
    // "error setting certificate file". Nothing to check for the system's store.
    void check() const;

    // For messages: "the system's CA store", or "the CAs in FILE (from AWS_CA_BUNDLE)".
    std::string describe() const;
};

}  // namespace pkitool::exchange
