// CA directory creation and issuance: validate, sign, self-check, record, then write.
#include "ca/authority.h"

#include "ca/parallel.h"
#include "issue/x509_file.h"
#include "pkitool/error.h"
#include "pkitool/files.h"
#include "profiles/conformance.h"

#include <botan/hash.h>
#include <botan/hex.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>

namespace pkitool::ca {

namespace {

// A clash of two random 128-bit serials is astronomically rare; more than a few in a row means a bug.
constexpr int kSerialAttempts = 5;
constexpr size_t kChunk = 500;  // batch rows per transaction

db::Time to_db_time(Clock::time_point t) { return std::chrono::floor<std::chrono::seconds>(t); }

std::string day(Clock::time_point t) { return fmt::format("{:%Y-%m-%d}", std::chrono::floor<std::chrono::seconds>(t)); }

std::string first_problem(const std::vector<profiles::Finding>& findings) {
    for (const auto& f : findings)
        if (f.severity == profiles::Severity::Error) return f.rule + ": " + f.message;
    return "";
}

}  // namespace

db::CertificateRecord record_for(const Botan::X509_Certificate& cert, const std::string& profile) {
    auto sha256 = Botan::HashFunction::create_or_throw("SHA-256");
    const auto der = cert.BER_encode();
    return db::CertificateRecord{
        issue::Serial::from(Botan::BigInt(cert.serial_number())),
        issue::format_dn(cert.subject_dn()),
        issue::SubjectAltNames::from(cert.subject_alt_name()).to_string(),
        to_db_time(cert.not_before().to_std_timepoint()),
        to_db_time(cert.not_after().to_std_timepoint()),
        profile,
        Botan::hex_encode(sha256->process(der), false),
        der,
        to_db_time(Clock::now()),
        std::nullopt};
}

void Authority::init_root(const RootRequest& req) {
    const Layout final_layout{req.dir};
    std::error_code ec;
    if (fs::exists(req.dir, ec) && !(fs::is_directory(req.dir, ec) && fs::is_empty(req.dir, ec)))
        throw Error(req.dir.string() + ": already exists and is not empty; `ca init` never touches an existing CA",
                    "choose a new --dir");
    if (req.subject.empty()) throw usage_error("--subject is empty", "give the CA a name, e.g. --subject \"CN=Example Root CA,O=Example\"");

    auto profile = profiles::find("root-ca");
    profile.path_len = req.path_len;
    if (req.days == 0 || req.days > profile.max_days)
        throw usage_error(fmt::format("--days {}: must be between 1 and {}", req.days, profile.max_days));

    // Build everything in a private sibling directory, then rename it into place: a failure
    // half-way leaves no partial CA behind, and a reader never sees one.
    const fs::path parent = req.dir.has_parent_path() ? req.dir.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec)) throw Error(req.dir.string() + ": parent directory " + parent.string() + " does not exist");
    std::string tmpl = (parent / ("." + req.dir.filename().string() + ".tmpXXXXXX")).string();
    if (!::mkdtemp(tmpl.data())) throw Error(req.dir.string() + ": cannot create: " + std::strerror(errno));
    const Layout tmp{tmpl};
    try {
        const auto key = issue::PrivateKey::generate(req.key_type);
        const auto now = Clock::now();
        const auto pub = issue::SubjectKey::of(key.public_key());
        CertificateTemplate t{req.subject, {}, pub, profile, now - kBackdate, now + std::chrono::days(req.days)};
        const Issuer self{req.subject.dn(), pub.key_id, &key.botan(), req.key_type.signature_hash()};
        const auto cert = Signer(self).sign(t, issue::Serial::random());
        const auto findings = profiles::check_conformance(cert, profile);
        if (profiles::has_errors(findings)) throw Error("internal: the new root CA fails its profile: " + first_problem(findings));

        files::make_directory(tmp.private_dir(), files::Mode::Secret);
        files::make_directory(tmp.certs_dir(), files::Mode::Public);
        files::write_atomic(tmp.key(), key.to_pem(req.passphrase), files::Mode::Secret);
        files::write_atomic(tmp.certificate(), cert.PEM_encode(), files::Mode::Public);
        db::Store::open(tmp.database(), db::Store::Open::CreateNew);
        if (::chmod(tmpl.c_str(), 0755) != 0) throw Error(req.dir.string() + ": cannot set permissions: " + std::strerror(errno));
        if (::rename(tmpl.c_str(), req.dir.c_str()) != 0)
            throw Error(req.dir.string() + ": cannot create: " + std::strerror(errno));
    } catch (...) {
        fs::remove_all(tmpl, ec);
        throw;
    }
}

Authority Authority::open(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(dir.string() + ": no such CA directory", "create one with `pkitool ca init --dir " + dir.string() + " --subject \"CN=...\"`");
    const Layout layout{dir};
    if (!fs::exists(layout.certificate(), ec))
        throw Error(dir.string() + ": not a CA directory (no ca.crt)", "create one with `pkitool ca init --dir DIR --subject \"CN=...\"`");
    auto cert = issue::load_certificate(layout.certificate());
    auto store = db::Store::open(layout.database(), db::Store::Open::Existing);
    return Authority(layout, std::move(cert), std::move(store));
}

void Authority::unlock(const issue::Passphrase& passphrase) {
    auto key = issue::PrivateKey::load(layout_.key(), passphrase);
    std::unique_ptr<Botan::Public_Key> pub(cert_.subject_public_key());
    if (!issue::keys_match(key.botan(), *pub))
        throw Error(layout_.key().string() + ": does not match the CA certificate " + layout_.certificate().string(),
                    "restore the key that belongs to this CA");
    key_ = std::move(key);
}

Validity Authority::validate(const profiles::Profile& p, const issue::Subject& subject, const issue::KeyType& type,
                             std::optional<unsigned> requested_days, Clock::time_point now) const {
    if (!p.allows_key(type)) throw Error("key type " + type.name() + " is not allowed by profile " + p.name);
    if (p.require_subject && subject.empty())
        throw usage_error("the subject is empty; profile " + p.name + " requires one",
                          "give one with --subject \"CN=...\" (Roles Anywhere refuses certificates with only SANs)");
    const unsigned days = requested_days.value_or(p.default_days);
    if (days == 0 || days > p.max_days)
        throw usage_error(fmt::format("--days {}: profile {} allows 1 to {} days", days, p.name, p.max_days));
    const auto ca_end = cert_.not_after().to_std_timepoint();
    if (ca_end <= now)
        throw Error(layout_.certificate().string() + ": the CA certificate expired on " + day(ca_end), "create a new CA");
    const auto not_after = now + std::chrono::days(days);
    // A certificate must not outlive its issuer: validators reject the chain once the CA expires.
    // We refuse rather than silently shorten what the operator asked for.
    if (not_after > ca_end) {
        const auto max_days = std::chrono::duration_cast<std::chrono::hours>(ca_end - now).count() / 24;
        throw Error(fmt::format("--days {}: the certificate would outlive its CA, which expires on {}", days, day(ca_end)),
                    fmt::format("use --days {} or less", max_days));
    }
    return Validity{now - kBackdate, not_after};
}

CertificateTemplate Authority::draft(const IssueRequest& req, Clock::time_point now) const {
    const auto v = validate(req.profile, req.subject, issue::key_type_of(*req.public_key), req.days, now);
    return CertificateTemplate{req.subject, req.sans, issue::SubjectKey::of(req.public_key), req.profile, v.not_before, v.not_after};
}

Issuer Authority::issuer() const {
    if (!key_) throw Error("internal: CA key not loaded");
    std::unique_ptr<Botan::Public_Key> ca_pub(cert_.subject_public_key());
    return Issuer{cert_.subject_dn(), cert_.subject_key_id().empty() ? issue::key_identifier(*ca_pub) : cert_.subject_key_id(),
                  &key_->botan(), key_->type().signature_hash()};
}

Issued Authority::sign_checked(const CertificateTemplate& t, Signer& signer) const {
    auto cert = signer.sign(t, issue::Serial::random());
    // The same profile that built the certificate judges it: a certificate that fails is never issued.
    const auto findings = profiles::check_conformance(cert, t.profile);
    if (profiles::has_errors(findings))
        throw Error("refusing to issue " + t.subject.to_string() + ": it fails profile " + t.profile.name + ": " + first_problem(findings));
    auto record = record_for(cert, t.profile.name);
    return Issued{std::move(cert), std::move(record)};
}

void Authority::write_issued_copy(const Issued& i) const {
    files::write_atomic(layout_.issued(i.record.serial), i.certificate.PEM_encode(), files::Mode::Public, files::Overwrite::Yes);
}

Issued Authority::issue(const CertificateTemplate& t) {
    auto all = issue_many({t});
    return std::move(all.front());
}

std::vector<Issued> Authority::issue_many(const std::vector<CertificateTemplate>& templates,
                                          const std::function<void(size_t, size_t)>& on_progress) {
    const Issuer me = issuer();
    std::vector<Signer> signers;
    for (size_t w = 0; w < worker_count(); ++w) signers.emplace_back(me);
    std::vector<Issued> out;
    out.reserve(templates.size());
    for (size_t start = 0; start < templates.size(); start += kChunk) {
        const size_t end = std::min(templates.size(), start + kChunk);
        // Signing is independent per certificate and runs on every core; recording is sequential.
        std::vector<std::optional<Issued>> chunk(end - start);
        parallel_for(chunk.size(), [&](size_t i, size_t worker) { chunk[i] = sign_checked(templates[start + i], signers[worker]); });
        const size_t first = out.size();
        {
            db::Store::Transaction tx(store_);
            for (size_t i = 0; i < chunk.size(); ++i) {
                // A clash of two random 128-bit serials: sign again with a fresh one.
                for (int attempt = 1; !store_.insert(chunk[i]->record); ++attempt) {
                    if (attempt == kSerialAttempts)
                        throw Error(layout_.database().string() + ": could not find an unused serial after " + std::to_string(attempt) + " tries");
                    chunk[i] = sign_checked(templates[start + i], signers[0]);
                }
                out.push_back(std::move(*chunk[i]));
            }
            tx.commit();
        }
        // Recorded first, released second: a failed write below still leaves the row, and
        // `db show --pem` can export it.
        for (size_t i = first; i < out.size(); ++i) {
            try {
                write_issued_copy(out[i]);
            } catch (const Error& e) {
                throw Error(std::string(e.what()) + " (certificate " + out[i].record.serial.hex() + " is recorded in the inventory)",
                            "export it with `pkitool db show --ca " + layout_.dir.string() + " " + out[i].record.serial.hex() + " --pem`");
            }
        }
        if (on_progress) on_progress(out.size(), templates.size());
    }
    return out;
}

}  // namespace pkitool::ca
