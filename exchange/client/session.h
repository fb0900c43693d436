// CreateSession: sign a Roles Anywhere request with the certificate's key, send it, and turn the
// answer into Credentials or an Error that says what the service and pkitool think is wrong.
#pragma once

#include "exchange/client/credentials.h"
#include "exchange/client/http_client.h"
#include "issue/key.h"

#include <botan/x509cert.h>

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pkitool::exchange {

// What identifies a session: the certificate and the three ARNs.
struct SessionTarget {
    std::string trust_anchor_arn;
    std::string profile_arn;
    std::string role_arn;
    std::string region;    // empty: from the trust anchor ARN
    std::string endpoint;  // empty: https://rolesanywhere.<region>.amazonaws.com
    unsigned duration_seconds = 3600;
    std::string role_session_name;  // empty: the service's default (serial in hex)

    // Usage Error naming the flag (--trust-anchor-arn, --profile-arn, --role-arn) of the first ARN
    // that is not of its kind (exchange/arn.h), so a malformed ARN never reaches the service.
    void check_arns() const;
    std::string effective_region() const;    // --region, else the trust anchor ARN's; Error as check_arns
    std::string effective_endpoint() const;  // no trailing slash
};

struct SessionIdentity {
    issue::PrivateKey key;
    Botan::X509_Certificate leaf;
    std::vector<Botan::X509_Certificate> intermediates;
    std::string certificate_path;  // for messages
};

// The region of a trust anchor ARN; usage Error naming --trust-anchor-arn otherwise.
std::string region_of_arn(const std::string& arn);
// The role name of "arn:aws:iam::<acct>:role/<path/>name"; usage Error naming --role-arn otherwise.
std::string role_name_of_arn(const std::string& arn);

// The signed request, ready to send (exposed for tests and --debug).
HttpRequest build_request(const SessionTarget& target, const SessionIdentity& id, Clock::time_point now,
                          SigningTrace* trace);

// Signs and sends CreateSession. `debug`, when set, receives the canonical request and the string
// to sign (never a key or a secret). Service refusals become an Error carrying the service's error
// type and message followed by pkitool's diagnosis of the certificate and chain.
Credentials create_session(const SessionTarget& target, const SessionIdentity& id, const TransportOptions& transport,
                           std::ostream* debug);

// A source of fresh credentials, e.g. create_session bound to its arguments (serve and update).
using CredentialSource = std::function<Credentials()>;

}  // namespace pkitool::exchange
