// The names of reasons and statuses, as RFC 5280 and `db list` spell them.
#include "db/record.h"

#include "base/error.h"

namespace pkitool::db {

namespace {

struct ReasonName {
    Reason reason;
    const char* name;
    bool operator_may_give;  // `revoke --reason`; a hold comes only from an adopted CA
};

constexpr ReasonName kReasons[] = {
    {Reason::Unspecified, "unspecified", true},
    {Reason::KeyCompromise, "keyCompromise", true},
    {Reason::CaCompromise, "caCompromise", true},
    {Reason::AffiliationChanged, "affiliationChanged", true},
    {Reason::Superseded, "superseded", true},
    {Reason::CessationOfOperation, "cessationOfOperation", true},
    {Reason::CertificateHold, "certificateHold", false},
};

}  // namespace

std::string to_string(Reason r) {
    for (const auto& [reason, name, _] : kReasons)
        if (reason == r) return name;
    return "unspecified";
}

const std::vector<std::string>& reason_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& r : kReasons)
            if (r.operator_may_give) out.emplace_back(r.name);
        return out;
    }();
    return names;
}

Reason parse_reason(const std::string& text) {
    for (const auto& [reason, name, operator_may_give] : kReasons)
        if (operator_may_give && text == name) return reason;
    std::string names;
    for (const auto& n : reason_names()) names += (names.empty() ? "" : ", ") + n;
    throw usage_error("unknown revocation reason '" + text + "'", "use one of: " + names);
}

std::string to_string(Status s) {
    switch (s) {
        case Status::Valid: return "valid";
        case Status::Revoked: return "revoked";
        case Status::Expired: return "expired";
        case Status::Superseded: return "superseded";
    }
    return "valid";
}

Status parse_status(const std::string& text) {
    for (Status s : {Status::Valid, Status::Revoked, Status::Expired, Status::Superseded})
        if (to_string(s) == text) return s;
    throw usage_error("unknown status '" + text + "'", "use valid, revoked, expired or superseded");
}

Reason reason_named(const std::string& text) {
    for (const auto& r : kReasons)
        if (text == r.name) return r.reason;
    return parse_reason(text);  // the error for an unknown one
}

}  // namespace pkitool::db
