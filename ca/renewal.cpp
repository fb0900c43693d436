// Renewal: select, plan, then replace each pair in an order a kill -9 cannot turn into a mismatch
// that goes unnoticed.
#include "ca/renewal.h"

#include "base/error.h"
#include "base/files.h"
#include "base/pem.h"
#include "issue/inspect.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace pkitool::ca {

namespace {

using Seconds = std::chrono::sys_seconds;

Seconds seconds(Clock::time_point t) { return std::chrono::floor<std::chrono::seconds>(t); }

Botan::X509_Certificate certificate_of(const db::CertificateRecord& r) { return Botan::X509_Certificate(r.der); }

std::shared_ptr<const Botan::Public_Key> public_key_of(const db::CertificateRecord& r) {
    return std::shared_ptr<const Botan::Public_Key>(certificate_of(r).subject_public_key());
}

bool same_key(const db::CertificateRecord& a, const db::CertificateRecord& b) {
    return certificate_of(a).subject_public_key_info() == certificate_of(b).subject_public_key_info();
}

// True when `path` holds the private key of `pub` (an unreadable or encrypted key is not it).
bool key_file_matches(const fs::path& path, const Botan::Public_Key& pub) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return false;
    try {
        return issue::keys_match(issue::PrivateKey::load(path, std::nullopt).botan(), pub);
    } catch (const std::exception&) {
        return false;
    }
}

// True when `path` holds exactly the certificate of `r`.
bool holds(const fs::path& path, const db::CertificateRecord& r) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return false;
    try {
        const auto certs = pem::load_certificates(path);
        return certs.size() == 1 && certs.front() == certificate_of(r);
    } catch (const std::exception&) {
        return false;
    }
}

// A rename is durable once its directory is synced (rename(2) alone may be lost on power failure).
void sync_directory(const fs::path& file) {
    const auto dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void move_into_place(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0)
        throw Error(to.string() + ": cannot replace with " + from.string() + ": " + std::strerror(errno));
    sync_directory(to);
}

// The fields of describe() that say what a certificate is for; serial, dates and key
// identifiers always change.
std::vector<std::string> differences(const Botan::X509_Certificate& before, const Botan::X509_Certificate& after, bool rekeyed) {
    std::vector<std::string> out;
    const auto a = issue::describe(before), b = issue::describe(after);
    for (const char* field : {"subject", "issuer", "signature_algorithm"})
        if (a.value(field, nlohmann::json()) != b.value(field, nlohmann::json()))
            out.push_back(std::string(field) + ": " + a.value(field, nlohmann::json()).dump() + " -> " + b.value(field, nlohmann::json()).dump());
    // A new key is what --rekey asks for; only a new type of key is worth saying.
    const auto type = [](const nlohmann::json& d) { return d["public_key"].value("type", std::string()); };
    if (rekeyed && type(a) != type(b)) out.push_back("public_key: " + type(a) + " -> " + type(b));
    const auto ea = a.value("extensions", nlohmann::json::object()), eb = b.value("extensions", nlohmann::json::object());
    auto names = ea;
    names.update(eb);
    for (const auto& [name, _] : names.items()) {
        if (name == "subject_key_id" || name == "authority_key_id") continue;
        const auto x = ea.value(name, nlohmann::json()), y = eb.value(name, nlohmann::json());
        if (x != y) out.push_back(name + ": " + (x.is_null() ? "absent" : x.dump()) + " -> " + (y.is_null() ? "absent" : y.dump()));
    }
    const auto days = [](const Botan::X509_Certificate& c) {
        return std::chrono::duration_cast<std::chrono::hours>(c.not_after().to_std_timepoint() - c.not_before().to_std_timepoint()).count() / 24;
    };
    if (days(before) != days(after)) out.push_back(fmt::format("lifetime: {} days -> {} days", days(before), days(after)));
    return out;
}

const profiles::Catalog& catalog_of(const RenewRequest& req) {
    static const profiles::Catalog builtin;
    return req.catalog ? *req.catalog : builtin;
}

// The paths one renewal writes: given, recorded, or under --out-dir.
void choose_paths(RenewalItem& item, const RenewRequest& req, bool single, const std::optional<fs::path>& given_file) {
    const auto& r = item.previous;
    const auto serial = r.serial.hex();
    if (single && req.out) item.certificate = *req.out;
    else if (single && given_file) item.certificate = *given_file;  // in place, wherever it is now
    else if (r.cert_path) item.certificate = *r.cert_path;
    else if (req.out_dir) item.certificate = *req.out_dir / (serial + ".crt");
    else
        throw Error("certificate " + serial + ": the inventory does not record where it was written (a row from before schema v4)",
                    "name an output directory for it (DIR/" + serial + ".crt)" + std::string(single ? ", or an output file" : ""));
    if (single && req.key_out) item.key = *req.key_out;
    else if (r.key_path) item.key = *r.key_path;
    else if (req.rekey && req.out_dir) item.key = *req.out_dir / (serial + ".key");
    // A new key for a certificate written elsewhere must go beside it: written over the recorded
    // key, it would no longer match the certificate still there.
    if (req.rekey && !(single && req.key_out) && item.key && r.cert_path && recorded_path(item.certificate) != *r.cert_path)
        throw Error("certificate " + serial + ": a new key for " + item.certificate.string() + " would replace " + item.key->string() +
                        ", the key of " + *r.cert_path + " (which keeps the old certificate)",
                    "name the new key's file");
    if (req.rekey && !item.key)
        throw Error("certificate " + serial + ": a new key needs a file to go to; the inventory records no key file",
                    single ? "name the key file" : "name an output directory for it");
    // A new file where none was: nothing is overwritten that the renewal does not replace.
    const auto replaces = [&](const fs::path& p, const std::optional<std::string>& recorded) {
        return (recorded && recorded_path(p) == *recorded) || (given_file && recorded_path(p) == recorded_path(*given_file));
    };
    if (!replaces(item.certificate, r.cert_path)) files::ensure_writable(item.certificate, files::Overwrite::No);
    if (item.key && req.rekey && !replaces(*item.key, r.key_path)) files::ensure_writable(*item.key, files::Overwrite::No);
}

// A renewed certificate: finish it when its files never got there, refuse it otherwise.
std::optional<db::CertificateRecord> pending_successor(const Authority& ca, const db::CertificateRecord& r) {
    if (!r.superseded_by) return std::nullopt;
    const auto next = ca.store().find(*r.superseded_by);
    const auto where = "certificate " + r.serial.hex();
    if (!next) throw Error(where + " is recorded as renewed by " + r.superseded_by->hex() + ", which is not in the inventory");
    if (next->revocation)
        throw Error(where + " was already renewed by " + next->serial.hex() + ", since revoked",
                    "issue a new certificate instead");
    // Delivered, or renewed in turn (its file then holds a later certificate): done.
    if (!next->cert_path || next->superseded_by || holds(*next->cert_path, *next))
        throw Error(where + " was already renewed by " + next->serial.hex(), "renew certificate " + next->serial.hex() + " instead");
    return next;
}

RenewalItem plan_one(const Authority& ca, const RenewRequest& req, db::CertificateRecord r, bool single,
                     const std::optional<fs::path>& given_file, Clock::time_point now) {
    if (!r.has_certificate())
        throw Error("certificate " + r.serial.hex() + ": recorded from an index line alone (its file was missing at import), so there is nothing to renew from",
                    "issue a new certificate instead");
    if (r.revocation) throw Error("certificate " + r.serial.hex() + " is revoked (" + db::to_string(r.revocation->reason) + ")",
                                  "issue a new certificate instead");
    const auto cert = certificate_of(r);
    const auto& catalog = catalog_of(req);
    // A sub-CA's row records DIR/ca.crt and DIR/private/ca.key: re-issued from here, its directory
    // would hold a certificate its own inventory does not know, and a rekey would replace its key.
    if (cert.is_CA_cert() || catalog.find(r.profile).is_ca())
        throw Error("certificate " + r.serial.hex() + " (" + r.subject + ") is a CA certificate: renewing it as an issued certificate would replace its CA directory's files",
                    "renew that CA from its own directory, naming this CA as its parent");
    RenewalItem item{r, {}, std::nullopt, catalog.find(r.profile), {}, issue::key_type_of(*public_key_of(r)), std::nullopt};
    item.pending = pending_successor(ca, r);
    if (item.pending) {  // finished where it was meant to go
        item.certificate = *item.pending->cert_path;
        if (item.pending->key_path) item.key = *item.pending->key_path;
        return item;
    }
    choose_paths(item, req, single, given_file);
    if (req.rekey && !item.profile.allows_key(item.key_type)) item.key_type = issue::KeyType::default_type();
    if (!req.rekey && !item.profile.allows_key(item.key_type))
        throw Error("certificate " + r.serial.hex() + ": its " + item.key_type.name() + " key is no longer allowed by profile " + item.profile.name,
                    "renew it with a new key");
    // The lifetime it had (issue backdates notBefore by minutes, so whole days), unless --days;
    // at most what the profile allows now.
    const auto had = std::chrono::duration_cast<std::chrono::hours>(cert.not_after().to_std_timepoint() - cert.not_before().to_std_timepoint()).count() / 24;
    const unsigned days = req.days.value_or(static_cast<unsigned>(std::clamp<long long>(had, 1, item.profile.max_days)));
    item.validity = ca.validate(item.profile, issue::Subject::from(cert.subject_dn()), item.key_type, days, now);
    // Same key: the old key file must be the certificate's, or the new pair would not match.
    std::error_code ec;
    if (!req.rekey && item.key && fs::exists(*item.key, ec) && !key_file_matches(*item.key, *public_key_of(r)))
        throw Error(item.key->string() + ": is not the key of certificate " + r.serial.hex() + " (or cannot be read unencrypted)",
                    "renew with a new key, or name the certificate's own key file");
    return item;
}

db::CertificateRecord must_find(const Authority& ca, const issue::Serial& serial, const std::string& where) {
    auto r = ca.store().find(serial);
    if (!r) throw Error(where + "certificate " + serial.hex() + " is not in the inventory of " + ca.layout().dir.string());
    return *r;
}

// Once the new certificate is recorded. Rekey: the new key was staged as KEY.next before the
// record; it replaces KEY first, then the certificate replaces CERT. A kill -9 before the first
// rename leaves the old pair; between the two renames, the new key beside the old certificate,
// which the next `renew` of that certificate finds (its successor is recorded but not on disk,
// and KEY is the successor's key) and finishes by writing the certificate from the inventory.
// Same key: one rename of the certificate, so the old pair or the new one.
void put_in_place(const RenewalItem& item, const std::string& pem, bool rekeyed) {
    if (rekeyed) {
        const auto staged = staged_key(*item.key);
        std::error_code ec;
        if (fs::exists(staged, ec)) move_into_place(staged, *item.key);
    }
    files::write_atomic(item.certificate, pem, files::Mode::Public, files::Overwrite::Yes);
}

// An interrupted renewal: its certificate is recorded; the key it needs is on disk (staged or in
// place) or the renewal kept the old key.
Renewed finish_pending(const Authority& ca, const RenewalItem& item) {
    const auto& next = *item.pending;
    const bool rekeyed = !same_key(item.previous, next);
    if (rekeyed) {
        const auto pub = public_key_of(next);
        const bool in_place = item.key && key_file_matches(*item.key, *pub);
        const bool staged = item.key && key_file_matches(staged_key(*item.key), *pub);
        if (!in_place && !staged)
            throw Error("certificate " + next.serial.hex() + " renewed " + item.previous.serial.hex() +
                            " with a new key that never reached the disk",
                        "revoke certificate " + next.serial.hex() + " (reason superseded), then issue a new certificate");
    }
    const auto pem = certificate_of(next).PEM_encode();
    put_in_place(item, pem, rekeyed);
    // The CA's own copy, which issue_many writes beside the release and a kill may have stopped.
    files::write_atomic(ca.layout().issued(next.serial), pem, files::Mode::Public, files::Overwrite::Yes);
    return Renewed{item.previous.serial, next.serial, item.certificate, item.key, rekeyed, true,
                   differences(certificate_of(item.previous), certificate_of(next), rekeyed)};
}

}  // namespace

fs::path staged_key(const fs::path& key) { return fs::path(key.string() + ".next"); }

std::vector<db::CertificateRecord> select_for_renewal(const Authority& ca, const RenewRequest& req, Clock::time_point now) {
    const auto t = seconds(now);
    db::Query q;
    q.now = t;
    // --due: a share of the lifetime is reached only by rows whose time left is at most that
    // share of the longest lifetime, so the notAfter index finds the candidates.
    if (req.expiring_within) q.expiring_within = *req.expiring_within;
    else if (req.threshold.is_share())
        q.expiring_within = std::chrono::seconds(static_cast<int64_t>(ca.store().longest_lifetime().count() * (1 - req.threshold.percent() / 100)) + 1);
    else q.expiring_within = req.threshold.window();
    std::vector<db::CertificateRecord> selected;
    std::vector<std::string> ca_profiles;
    for (const auto& p : catalog_of(req).all())
        if (p.is_ca()) ca_profiles.push_back(p.name);
    ca.store().list(q, [&](const db::CertificateRecord& r) {
        // A row recorded from an index line alone has no certificate to renew from.
        if (!r.has_certificate()) return;
        // Sub-CAs are renewed from their own directories (plan_one says why).
        if (std::any_of(ca_profiles.begin(), ca_profiles.end(), [&](const std::string& p) { return p == r.profile; })) return;
        if (!req.expiring_within && !issue::renewal_due(r.not_before, r.not_after, t, req.threshold).due) return;
        selected.push_back(r);
    });
    return selected;
}

RenewPlan plan_renewal(const Authority& ca, const RenewRequest& req, Clock::time_point now) {
    RenewPlan plan;
    const auto t = seconds(now);
    const bool single = req.certificate || req.serial;
    if (single) {
        auto r = [&] {
            if (!req.certificate) return must_find(ca, *req.serial, "");
            const auto certs = pem::load_certificates(*req.certificate);
            const auto serial = issue::Serial::from(Botan::BigInt(certs.front().serial_number()));
            auto found = must_find(ca, serial, req.certificate->string() + ": ");
            if (!found.has_certificate() || !(certificate_of(found) == certs.front()))
                throw Error(req.certificate->string() + ": is not the certificate recorded as " + serial.hex() + " in " + ca.layout().dir.string());
            return found;
        }();
        if (req.only_if_due && !r.superseded_by && !issue::renewal_due(r.not_before, r.not_after, t, req.threshold).due) {
            plan.not_due = 1;
            return plan;
        }
        plan.items.push_back(plan_one(ca, req, std::move(r), true, req.certificate, now));
        return plan;
    }
    const auto selected = select_for_renewal(ca, req, now);
    plan.items.reserve(selected.size());
    for (const auto& r : selected) {
        auto full = must_find(ca, r.serial, "");  // the DER, which listings leave out
        plan.items.push_back(plan_one(ca, req, std::move(full), false, std::nullopt, now));
    }
    return plan;
}

RenewOutcome execute_renewal(Authority& ca, const RenewPlan& plan, const RenewRequest& req, const std::function<void(size_t, size_t)>& on_progress,
                             const std::function<void(const Renewed&)>& on_renewed) {
    RenewOutcome outcome;
    outcome.not_due = plan.not_due;
    std::vector<const RenewalItem*> fresh;
    for (const auto& item : plan.items) {
        if (!item.pending) {
            fresh.push_back(&item);
            continue;
        }
        outcome.renewed.push_back(finish_pending(ca, item));
        if (req.revoke_old) ca.revoke(item.previous.serial, db::Reason::Superseded);
        if (on_renewed) on_renewed(outcome.renewed.back());
    }
    // Rekey: each new key is written (0600, synced) to KEY.next before its certificate is recorded,
    // so that no recorded certificate has a key that never reached the disk.
    std::vector<CertificateTemplate> templates;
    templates.reserve(fresh.size());
    for (const auto* item : fresh) {
        const auto& r = item->previous;
        const auto cert = certificate_of(r);
        std::shared_ptr<const Botan::Public_Key> pub = public_key_of(r);
        if (req.rekey) {
            const auto key = issue::PrivateKey::generate(item->key_type);
            // A KEY.next left by a run killed before its commit belongs to no certificate.
            std::error_code ec;
            fs::remove(staged_key(*item->key), ec);
            files::write_atomic(staged_key(*item->key), key.to_pem(std::nullopt), files::Mode::Secret, files::Overwrite::No);
            pub = key.public_key();
        }
        templates.push_back(CertificateTemplate{issue::Subject::from(cert.subject_dn()), issue::SubjectAltNames::of(cert), issue::SubjectKey::of(pub),
                                                item->profile, item->validity.not_before, item->validity.not_after,
                                                Delivery{item->certificate, item->key}, r.serial});
    }
    const size_t first = outcome.renewed.size();
    const auto release_chunk = [&](const std::vector<Issued>& issued, size_t from, size_t end) {
        // Every row of the chunk is recorded: each is put in place even when one fails, and the
        // error names every one left undelivered (a batch re-run does not select them again,
        // since their predecessors are superseded; renewing each by serial finishes it).
        std::optional<std::string> first_error;
        std::vector<std::string> undelivered;
        for (size_t i = from; i < end; ++i) {
            const auto& item = *fresh[i];
            try {
                put_in_place(item, issued[i].pem, req.rekey);
            } catch (const Error& e) {
                if (!first_error) first_error = e.what();
                undelivered.push_back(item.previous.serial.hex());
            }
        }
        if (!first_error) return;
        std::string list;
        for (size_t i = 0; i < undelivered.size() && i < 10; ++i) list += (i ? ", " : "") + undelivered[i];
        if (undelivered.size() > 10) list += fmt::format(" and {} more", undelivered.size() - 10);
        throw Error(*first_error + fmt::format(" ({} renewal(s) recorded but not in place; renewing each of these certificates again, by serial, finishes it: {})",
                                               undelivered.size(), list));
    };
    const auto issued = ca.issue_many(templates, on_progress, release_chunk);
    for (size_t i = 0; i < issued.size(); ++i) {
        const auto& item = *fresh[i];
        if (req.revoke_old) ca.revoke(item.previous.serial, db::Reason::Superseded);
        outcome.renewed.push_back(Renewed{item.previous.serial, issued[i].record.serial, item.certificate, item.key, req.rekey, false,
                                          differences(certificate_of(item.previous), issued[i].certificate, req.rekey)});
        if (on_renewed) on_renewed(outcome.renewed[first + i]);
    }
    return outcome;
}

RenewOutcome renew(Authority& ca, const RenewRequest& req, const std::function<void(size_t, size_t)>& on_progress,
                   const std::function<void(const Renewed&)>& on_renewed) {
    return execute_renewal(ca, plan_renewal(ca, req), req, on_progress, on_renewed);
}

}  // namespace pkitool::ca
