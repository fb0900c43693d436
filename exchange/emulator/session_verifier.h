// CreateSession as IAM Roles Anywhere decides it (Roles Anywhere User Guide, "Trust model"; Roles Anywhere API Reference, "CreateSession"; Roles Anywhere User Guide, "Signing process"), without HTTP: a request in, a
// decision out. Every refusal says exactly which check failed.
#pragma once

#include "exchange/emulator/directory.h"
#include "exchange/emulator/issued_credentials.h"
#include "exchange/emulator/presented_certificates.h"
#include "exchange/emulator/service_error.h"
#include "exchange/emulator/subject_log.h"
#include "exchange/sigv4.h"
#include "profiles/path_engine.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <variant>

namespace pkitool::exchange {

// X-Amz-Date may differ from the server's clock by at most this much (Roles Anywhere: 5 minutes).
constexpr std::chrono::seconds kSessionClockSkew{300};

// HTTP 201 with `body`: the credentialSet JSON of Roles Anywhere API Reference, "CreateSession".
struct CreatedSession {
    IssuedCredentials credentials;
    nlohmann::json body;
};

using SessionDecision = std::variant<CreatedSession, Refusal>;

class SessionVerifier {
public:
    // Both must outlive the verifier; `create_session` is safe to call from several threads when
    // the directory is (the control plane's state is; a configuration is while nobody changes it).
    // With `subjects`, each request whose certificate signed it and whose trust anchor exists is
    // recorded on its Subject, accepted or refused.
    SessionVerifier(const ResourceDirectory& directory, CredentialStore& store, SubjectLog* subjects = nullptr)
        : directory_(directory), store_(store), subjects_(subjects) {}
    // Looks resources up in `config` as it is at each request.
    SessionVerifier(const EmulatorConfig& config, CredentialStore& store)
        : owned_(std::make_unique<ConfigDirectory>(config)), directory_(*owned_), store_(store) {}

    SessionDecision create_session(const HttpRequest& req, std::chrono::system_clock::time_point now);

private:
    // Sets `seen` to the leaf once the request is one the service would record on a Subject.
    SessionDecision decide(const HttpRequest& req, std::chrono::system_clock::time_point now, std::optional<Botan::X509_Certificate>& seen);

    // The anchor's certificates and CRLs prepared for the path engine, rebuilt when they change.
    std::shared_ptr<const profiles::TrustAnchors> trust_of(const TrustAnchor& anchor);

    std::unique_ptr<ConfigDirectory> owned_;
    const ResourceDirectory& directory_;
    CredentialStore& store_;
    SubjectLog* subjects_ = nullptr;
    PresentedCertificates presented_;
    profiles::VerifiedSignatures signatures_;
    struct PreparedAnchor {
        std::vector<const void*> identity;
        std::shared_ptr<const profiles::TrustAnchors> trust;
    };
    std::mutex trust_mutex_;
    std::map<std::string, PreparedAnchor> trust_;  // by anchor ARN: bounded by the anchors ever seen
};

}  // namespace pkitool::exchange
