// Certificate extensions decoded from their DER with every field kept. Botan 2 keeps one OCSP URI
// of authorityInfoAccess, the URIs of CRL distribution points, the OIDs of certificate policies,
// and drops IPv6 and otherName subtrees of name constraints; `show` and the path engine need all.
#pragma once

#include "issue/general_name.h"

#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::issue {

// The extnValue of the certificate's extension `oid` and its criticality; nullopt when absent.
struct RawExtension {
    std::vector<uint8_t> value;
    bool critical;
};
std::optional<RawExtension> raw_extension(const Botan::X509_Certificate& cert, const Botan::OID& oid);

// AccessDescription (RFC 5280 §4.2.2.1), from authorityInfoAccess or subjectInfoAccess.
struct AccessDescription {
    std::string method;  // dotted OID: 1.3.6.1.5.5.7.48.1 is OCSP, 1.3.6.1.5.5.7.48.2 caIssuers
    GeneralName location;
};
std::vector<AccessDescription> decode_info_access(const std::vector<uint8_t>& der);

// DistributionPoint (RFC 5280 §4.2.1.13).
struct DistributionPoint {
    std::vector<GeneralName> full_name;
    std::optional<Botan::X509_DN> relative_name;  // nameRelativeToCRLIssuer, as a one-RDN name
    std::vector<std::string> reasons;             // ReasonFlags set ("keyCompromise", ...); empty: every reason
    std::vector<GeneralName> crl_issuer;
};
std::vector<DistributionPoint> decode_crl_distribution_points(const std::vector<uint8_t>& der);

// PolicyInformation (RFC 5280 §4.2.1.4) with its qualifiers.
struct UserNotice {
    std::optional<std::string> organization;  // noticeRef
    std::vector<uint64_t> notice_numbers;
    std::optional<std::string> explicit_text;
};
struct PolicyInformation {
    std::string oid;                      // 2.5.29.32.0 is anyPolicy
    std::vector<std::string> cps;         // id-qt-cps URIs
    std::vector<UserNotice> user_notices; // id-qt-unotice
    std::vector<std::string> other_qualifiers;  // OIDs of qualifiers RFC 5280 does not define
};
std::vector<PolicyInformation> decode_certificate_policies(const std::vector<uint8_t>& der);

// GeneralSubtree (RFC 5280 §4.2.1.10); `minimum` is set only when encoded.
struct GeneralSubtree {
    GeneralName base;
    std::optional<uint64_t> minimum, maximum;
    bool bounded() const { return minimum || maximum; }  // RFC 5280: MUST NOT be present
    std::string to_string() const;                        // base.to_string(), then " (minimum N, maximum M)"
};
struct NameConstraintsValue {
    std::vector<GeneralSubtree> permitted, excluded;
};
NameConstraintsValue decode_name_constraints(const std::vector<uint8_t>& der);

}  // namespace pkitool::issue
