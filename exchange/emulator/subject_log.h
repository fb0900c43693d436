// Who called CreateSession: one Subject per certificate subject, with the certificates it presented
// and whether each attempt failed (IAM Roles Anywhere API Reference, "SubjectDetail",
// "CredentialSummary"), as ListSubjects and GetSubject show them. Kept apart from the control
// plane's snapshot, so that recording an attempt never copies the whole state; with a StateStore
// each record is committed before CreateSession answers.
#pragma once

#include "exchange/emulator/control_state.h"

#include <botan/x509cert.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pkitool::exchange {

struct SubjectCredential {
    std::string serial_number;  // decimal, as the certificate's Credential= carries it
    std::string issuer;         // the issuer's DN (RFC 4514)
    std::string certificate_pem;
    Timestamp seen_at;
    bool failed = false;
    bool operator==(const SubjectCredential&) const = default;
};

struct SubjectResource {
    std::string id;            // stable: from the subject DN (subject_id)
    std::string x509_subject;  // RFC 4514, most specific first
    Timestamp created_at, updated_at, last_seen_at;
    std::vector<SubjectCredential> credentials;  // most recently seen first, at most kMaxCredentials
    int64_t order = 0;

    // Bounds that keep a flood of certificates from growing the state without end.
    static constexpr size_t kMaxCredentials = 20;
};

// The subject id of a DN: the same certificate subject is the same Subject across restarts.
std::string subject_id(const std::string& x509_subject);

class SubjectLog {
public:
    static constexpr size_t kMaxSubjects = 10000;  // beyond it the least recently seen goes

    // `store` (may be null) must outlive the log; what it holds is loaded now.
    explicit SubjectLog(StateStore* store);

    // Records one CreateSession by `leaf` at `now`, accepted or not.
    void record(const Botan::X509_Certificate& leaf, bool failed, Timestamp now);

    std::vector<std::shared_ptr<const SubjectResource>> in_order() const;  // creation order
    std::shared_ptr<const SubjectResource> find(const std::string& id) const;

private:
    StateStore* store_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const SubjectResource>> by_id_;
    int64_t next_order_ = 1;
};

}  // namespace pkitool::exchange
