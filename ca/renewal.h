// Renewing issued certificates (`pkitool renew`, issue #13): which ones, what each becomes, and
// the crash-safe order in which the new pair replaces the old.
#pragma once

#include "ca/authority.h"
#include "issue/renewal_due.h"
#include "profiles/catalog.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::ca {

// One pass of renewal; a `renew --watch` loop builds one and calls renew() again and again.
struct RenewRequest {
    // Exactly one selection: a certificate file, a serial, the inventory's certificates expiring
    // within a window, or those due by `threshold` (issue::renewal_due, as needs-renewal decides).
    std::optional<fs::path> certificate;
    std::optional<issue::Serial> serial;
    std::optional<std::chrono::seconds> expiring_within;
    bool due = false;
    issue::RenewalThreshold threshold = issue::RenewalThreshold::standard();
    // For `certificate`/`serial`: renew only when due by `threshold` (false: an explicit renewal
    // happens now).
    bool only_if_due = false;

    bool rekey = false;
    // One certificate: where to write instead of the recorded (or given) paths.
    std::optional<fs::path> out, key_out;
    // Rows recorded without a path (older inventories): DIR/SERIAL.crt (and .key with rekey).
    std::optional<fs::path> out_dir;
    std::optional<unsigned> days;  // empty: the lifetime the certificate had, at most the profile's limit
    bool revoke_old = false;       // revoke each predecessor (superseded) instead of only linking it
    const profiles::Catalog* catalog = nullptr;  // the profiles' current rules; the built-in ones when null
};

// What one renewal will do, decided before anything is signed.
struct RenewalItem {
    db::CertificateRecord previous;  // with its DER
    fs::path certificate;            // where the new certificate goes
    std::optional<fs::path> key;     // the key beside it, when known
    profiles::Profile profile;
    Validity validity;
    issue::KeyType key_type;
    // A renewal recorded by an earlier run that was interrupted before its files were in place:
    // finished from the inventory (nothing signed).
    std::optional<db::CertificateRecord> pending;
};

struct RenewPlan {
    std::vector<RenewalItem> items;
    size_t not_due = 0;  // selected by file or serial but skipped (only_if_due)
};

struct Renewed {
    issue::Serial previous_serial;
    issue::Serial serial;
    fs::path certificate;
    std::optional<fs::path> key;
    bool rekeyed = false;
    bool resumed = false;                  // finished an interrupted renewal
    std::vector<std::string> differences;  // "key usage: ... -> ...": where the new certificate differs besides serial and dates
};

struct RenewOutcome {
    std::vector<Renewed> renewed;
    size_t not_due = 0;
};

// The rows an --expiring or --due request selects, soonest expiry first, as listings read them
// (no DER): valid, not superseded, and for --due due by issue::renewal_due. Cheap enough for a
// dry run over a million rows.
std::vector<db::CertificateRecord> select_for_renewal(const Authority& ca, const RenewRequest& req, Clock::time_point now = Clock::now());

// Selects and checks: every row found, its profile known, its new validity allowed, its paths
// known, its key file (when recorded) the certificate's key. Signs and writes nothing; Error
// naming the serial or file otherwise. A certificate renewed already is refused, naming its
// successor, unless that renewal never reached the disk (then it is finished, `pending`).
RenewPlan plan_renewal(const Authority& ca, const RenewRequest& req, Clock::time_point now = Clock::now());

// Carries out a plan; needs ca.unlock(). `on_progress(done, total)` after each chunk;
// `on_renewed` once each new pair is in place (the CLI's --exec).
RenewOutcome execute_renewal(Authority& ca, const RenewPlan& plan, const RenewRequest& req,
                             const std::function<void(size_t, size_t)>& on_progress = {},
                             const std::function<void(const Renewed&)>& on_renewed = {});

// One pass: plan_renewal() then execute_renewal().
RenewOutcome renew(Authority& ca, const RenewRequest& req, const std::function<void(size_t, size_t)>& on_progress = {},
                   const std::function<void(const Renewed&)>& on_renewed = {});

// Where a rekeyed renewal stages its new key before the swap: KEY.next, beside the old one.
fs::path staged_key(const fs::path& key);

}  // namespace pkitool::ca
