// A CA's own renewal (`ca renew`): a new certificate for the same CA, either with the same key (all
// it issued keeps verifying against it) or with a new key and a cross-certificate from the old one.
#pragma once

#include "ca/authority.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pkitool::ca {

struct CaRenewalRequest {
    fs::path dir;
    std::optional<fs::path> parent;  // an intermediate's parent CA directory; none for a root
    std::optional<unsigned> days;    // empty: the current certificate's length, within the parent's
    bool rekey = false;
    issue::Passphrase passphrase;         // decrypts DIR/private/ca.key; a new key is encrypted with it too
    issue::Passphrase parent_passphrase;  // decrypts the parent's key
    issue::pkcs11::Access access = {};         // opens DIR's key when it is in a token (DIR/key.uri)
    issue::pkcs11::Access parent_access = {};  // the same for the parent's
};

// What renew_ca() will sign, decided before anything is written (for the review prompt).
struct CaRenewalPlan {
    Botan::X509_Certificate current;
    bool root = true;
    bool rekey = false;
    Clock::time_point not_before, not_after;
    std::vector<std::pair<std::string, std::string>> describe() const;
};

struct CaRenewed {
    Botan::X509_Certificate previous, renewed;
    fs::path previous_file;                        // DIR/previous/SERIAL.crt: the old certificate, kept
    std::optional<fs::path> previous_key_file = {};  // rekey: DIR/previous/SERIAL.key, the old key (0600)
    std::optional<Botan::X509_Certificate> cross = {};  // rekey: the new key certified by the old key
    std::optional<fs::path> cross_file = {};  // rekey: DIR/cross.pem, the cross-certificate
    std::optional<issue::Serial> serial_in_parent = {};  // an intermediate: its row in the parent's inventory
};

// Checks the request against the CA (a root takes no parent, an intermediate needs the CA that
// signed it) and computes the validity. A new key for a CA whose key is in a token is refused:
// pkitool does not choose where in a token a CA's next key goes. Throws Error; writes nothing.
CaRenewalPlan plan_ca_renewal(const CaRenewalRequest& req, Clock::time_point now = Clock::now());

// Signs and installs the new certificate (and key). New files are staged beside the old ones and
// moved in after a commit marker is written, so a crash leaves either the old CA or the new one.
CaRenewed renew_ca(const CaRenewalRequest& req, Clock::time_point now = Clock::now());

// Called when a CA directory is opened: a renewal interrupted after its commit marker is finished;
// staged files without one are removed (the old CA stays as it was).
void finish_interrupted_renewal(const Layout& layout);

}  // namespace pkitool::ca
