// A CA's own renewal: plan, sign, stage, commit, and finishing an interrupted one.
#include "ca/ca_renewal.h"

#include "base/error.h"
#include "base/file_lock.h"
#include "ca/inventory_location.h"
#include "base/files.h"
#include "base/pem.h"
#include "profiles/conformance.h"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/x509_ext.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pkitool::ca {

namespace {

// Staged files: complete copies of what replaces each file, moved in only after the marker exists.
fs::path staged(const fs::path& p) { return p.string() + ".next"; }
fs::path marker(const Layout& l) { return l.dir / "renewal.commit"; }
fs::path previous_dir(const Layout& l) { return l.dir / "previous"; }
fs::path cross_file(const Layout& l) { return l.dir / "cross.pem"; }
// Held while a renewal stages and commits, so another process opening the CA meanwhile waits
// rather than taking staged files for the leftovers of a crash.
fs::path renewal_lock(const Layout& l) { return l.dir / ".renew.lock"; }

std::string sha256_of(const Botan::X509_Certificate& cert) {
    return Botan::hex_encode(Botan::HashFunction::create_or_throw("SHA-256")->process(cert.BER_encode()), false);
}

issue::Serial serial_of(const Botan::X509_Certificate& cert) {
    const auto bytes = cert.serial_number();
    return issue::Serial::from(Botan::BigInt(bytes.data(), bytes.size()));
}

template <class Duration>
std::string day(std::chrono::time_point<Clock, Duration> t) { return fmt::format("{:%Y-%m-%d}", std::chrono::floor<std::chrono::seconds>(t)); }

void move_into_place(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    if (!fs::exists(from, ec)) return;  // already moved before a crash, or never staged
    if (::rename(from.c_str(), to.c_str()) != 0) throw Error(to.string() + ": cannot replace: " + std::strerror(errno));
}

// Moves the staged files in (the key first: a key without its certificate is never the state a
// reader finds after the certificate moved), records the new fingerprint, removes the marker.
void commit(const Layout& l) {
    const auto lines = files::read_text(marker(l));
    const auto nl = lines.find('\n');
    if (nl == std::string::npos) throw Error(marker(l).string() + ": not a renewal marker (expected two fingerprints)");
    const std::string from = lines.substr(0, nl);
    std::string to = lines.substr(nl + 1);
    to = to.substr(0, to.find('\n'));
    move_into_place(staged(l.key()), l.key());
    move_into_place(staged(l.chain()), l.chain());
    move_into_place(staged(l.certificate()), l.certificate());
    move_into_place(staged(cross_file(l)), cross_file(l));
    // Opened as the CA it was: on PostgreSQL that is what finds its rows (another host that has
    // not yet been given the renewed ca.crt no longer finds them, and says so).
    const auto where = inventory_location(l);
    std::optional<db::Store> store;
    try {
        store = db::Store::open(where, db::Store::Open::Existing, from);
    } catch (const Error&) {
        // On PostgreSQL, a run cut short after the fingerprint moved finds the CA under its new one.
        if (!std::holds_alternative<db::PostgresDatabase>(where)) throw;
        store = db::Store::open(where, db::Store::Open::Existing, to);
    }
    if (store->ca_fingerprint() != to) store->replace_ca_fingerprint(from, to);
    std::error_code ec;
    fs::remove(marker(l), ec);
}

// Same key: the subject, key identifier, basicConstraints and keyUsage of the current certificate.
CertificateTemplate same_ca(const Botan::X509_Certificate& current, bool root, issue::SubjectKey key, Clock::time_point nb, Clock::time_point na) {
    auto profile = profiles::builtin(root ? profiles::Builtin::RootCa : profiles::Builtin::IntermediateCa);
    const auto limit = current.path_limit();
    profile.path_len = limit < Botan::Cert_Extension::NO_CERT_PATH_LIMIT ? std::optional<size_t>(limit) : std::nullopt;
    if (current.constraints() != Botan::NO_CONSTRAINTS) profile.key_usage = current.constraints();
    return CertificateTemplate{issue::Subject::from(current.subject_dn()), {}, std::move(key), profile, nb, na};
}

struct Loaded {
    Authority authority;
    std::optional<Authority> parent;
};

Loaded load(const CaRenewalRequest& req) {
    auto a = Authority::open(req.dir);
    std::optional<Authority> parent;
    if (a.is_root()) {
        if (req.parent) throw Error(a.layout().certificate().string() + ": a root CA signs itself; it has no parent to renew under");
    } else {
        if (!req.parent)
            throw Error(a.layout().certificate().string() + ": an intermediate CA is renewed by its parent, whose directory is needed");
        parent.emplace(Authority::open(*req.parent));
        std::unique_ptr<Botan::Public_Key> pub(parent->certificate().subject_public_key());
        if (!(parent->certificate().subject_dn() == a.certificate().issuer_dn()) || !a.certificate().check_signature(*pub))
            throw Error(req.parent->string() + ": is not the CA that signed " + a.layout().certificate().string());
    }
    return {std::move(a), std::move(parent)};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> CaRenewalPlan::describe() const {
    return {{"CA", issue::Subject::from(current.subject_dn()).to_string()},
            {"kind", root ? "root (self-signed)" : "intermediate (signed by its parent)"},
            {"current", "serial " + serial_of(current).hex() + ", valid until " + day(current.not_after().to_std_timepoint())},
            {"new validity", day(not_before) + " to " + day(not_after)},
            {"key", rekey ? "a new key of the same type, and a cross-certificate signed by the old key" : "the same key (issued certificates keep verifying)"}};
}

CaRenewalPlan plan_ca_renewal(const CaRenewalRequest& req, Clock::time_point now) {
    auto [a, parent] = load(req);
    const auto& cur = a.certificate();
    if (const auto where = a.key_location(); req.rekey && where.uri())
        throw Error(req.dir.string() + ": its key is in a token (" + where.shown() + "); renewing with a new key is not done for a key in a token",
                    "renew with the same key, or generate a new key in the token and create a new CA with it");
    const auto length = std::chrono::floor<std::chrono::days>(cur.not_after().to_std_timepoint() - cur.not_before().to_std_timepoint()).count();
    CaRenewalPlan plan{cur, a.is_root(), req.rekey, now - kBackdate, now};
    if (a.is_root()) {
        const auto& profile = profiles::builtin(profiles::Builtin::RootCa);
        const unsigned days = req.days.value_or(static_cast<unsigned>(std::clamp<long long>(length, 1, profile.max_days)));
        if (days == 0 || days > profile.max_days)
            throw Error(Error::Input{"days", std::to_string(days), "", std::optional<unsigned long long>(profile.max_days)},
                        fmt::format("must be between 1 and {}", profile.max_days));
        plan.not_after = now + std::chrono::days(days);
        return plan;
    }
    // The parent's own rule for a sub-CA (validate(): not beyond the parent's end); without --days
    // the current length, shortened to the parent's whole days left.
    auto days = req.days;
    if (!days) {
        const auto left = std::chrono::floor<std::chrono::days>(parent->certificate().not_after().to_std_timepoint() - now).count();
        if (left < 1)
            throw Error(parent->layout().certificate().string() + ": expires on " + day(parent->certificate().not_after().to_std_timepoint()) +
                        ", too soon to sign a CA under it");
        days = static_cast<unsigned>(std::clamp<long long>(std::min<long long>(length, left), 1, 1LL << 20));
    }
    const auto key_type = issue::key_type_of(*std::unique_ptr<Botan::Public_Key>(cur.subject_public_key()));
    const auto v = parent->validate(profiles::builtin(profiles::Builtin::IntermediateCa), issue::Subject::from(cur.subject_dn()), key_type, days, now);
    plan.not_before = v.not_before;
    plan.not_after = v.not_after;
    return plan;
}

CaRenewed renew_ca(const CaRenewalRequest& req, Clock::time_point now) {
    const auto plan = plan_ca_renewal(req, now);
    auto [a, parent] = load(req);
    const Layout& l = a.layout();
    const auto& cur = a.certificate();
    a.unlock(req.passphrase, req.access);  // a file or a token key, checked against ca.crt
    const auto& old_key = a.key();
    if (parent) parent->unlock(req.parent_passphrase, req.parent_access);

    std::optional<issue::PrivateKey> new_key;
    if (req.rekey) new_key = issue::PrivateKey::generate(old_key.type());
    const auto& signing_key = new_key ? *new_key : old_key;
    auto subject_key = issue::SubjectKey::of(signing_key.public_key());
    // Same key: the same subjectKeyIdentifier, which leaves' authorityKeyIdentifier names (RFC 5280 §4.2.1.1).
    if (!req.rekey && !cur.subject_key_id().empty()) subject_key.key_id = cur.subject_key_id();
    const auto t = same_ca(cur, plan.root, subject_key, plan.not_before, plan.not_after);

    CaRenewed out{cur, cur, previous_dir(l) / (serial_of(cur).hex() + ".crt")};
    if (plan.root) {
        const Issuer self{cur.subject_dn(), subject_key.key_id, &signing_key.botan(), signing_key.type().signature_hash()};
        out.renewed = Signer(self).sign(t, issue::Serial::random());
        const auto findings = profiles::check_conformance(out.renewed, t.profile);
        if (profiles::has_errors(findings)) throw Error("internal: the renewed root CA fails its profile");
    } else {
        auto issued = parent->issue(t);  // recorded in the parent's inventory, as `ca init --parent` does
        out.renewed = issued.certificate;
        out.serial_in_parent = issued.record.serial;
    }
    if (req.rekey) {
        // The new key certified by the old one: relying parties that trust only the old certificate
        // reach the new CA through it (RFC 4210 §4.4, root CA key update: "newWithOld").
        auto cross_t = t;
        cross_t.not_after = std::min(t.not_after, cur.not_after().to_std_timepoint());
        const std::vector<uint8_t> old_id = cur.subject_key_id().empty() ? issue::SubjectKey::of(old_key.public_key()).key_id : cur.subject_key_id();
        const Issuer old_issuer{cur.subject_dn(), old_id, &old_key.botan(), old_key.type().signature_hash()};
        out.cross = Signer(old_issuer).sign(cross_t, issue::Serial::random());
        out.cross_file = cross_file(l);
        out.previous_key_file = previous_dir(l) / (serial_of(cur).hex() + ".key");
    }

    // Keep the old certificate (and key) first; then stage, mark, and move in.
    const files::FileLock lock(renewal_lock(l));
    files::make_directory(previous_dir(l), files::Mode::Secret);
    files::write_atomic(out.previous_file, cur.PEM_encode(), files::Mode::Public, files::Overwrite::Yes);
    if (out.previous_key_file) files::write_atomic(*out.previous_key_file, files::read_text(l.key()), files::Mode::Secret, files::Overwrite::Yes);
    if (new_key) files::write_atomic(staged(l.key()), new_key->to_pem(req.passphrase), files::Mode::Secret, files::Overwrite::Yes);
    if (!plan.root) {
        std::string chain = out.renewed.PEM_encode();
        for (const auto& c : parent->chain()) chain += c.PEM_encode();
        files::write_atomic(staged(l.chain()), chain, files::Mode::Public, files::Overwrite::Yes);
    }
    files::write_atomic(staged(l.certificate()), out.renewed.PEM_encode(), files::Mode::Public, files::Overwrite::Yes);
    if (out.cross) {
        // An earlier rekey's cross-certificate stays reachable: relying parties may still hold
        // the certificate before that one.
        std::error_code ec;
        if (fs::exists(*out.cross_file, ec))
            files::write_atomic(previous_dir(l) / (serial_of(cur).hex() + ".cross.pem"), files::read_text(*out.cross_file), files::Mode::Public, files::Overwrite::Yes);
        files::write_atomic(staged(*out.cross_file), out.cross->PEM_encode() + cur.PEM_encode(), files::Mode::Public, files::Overwrite::Yes);
    }
    files::write_atomic(marker(l), sha256_of(cur) + "\n" + sha256_of(out.renewed) + "\n", files::Mode::Public, files::Overwrite::Yes);
    commit(l);
    return out;
}

void finish_interrupted_renewal(const Layout& l) {
    std::error_code ec;
    const auto pending = [&] {
        if (fs::exists(marker(l), ec)) return true;
        for (const auto& p : {l.key(), l.chain(), l.certificate(), cross_file(l)})
            if (fs::exists(staged(p), ec)) return true;
        return false;
    };
    if (!pending()) return;  // the usual case: no lock file is made
    const files::FileLock lock(renewal_lock(l));
    if (fs::exists(marker(l), ec)) return commit(l);
    for (const auto& p : {l.key(), l.chain(), l.certificate(), cross_file(l)}) fs::remove(staged(p), ec);
}

}  // namespace pkitool::ca
