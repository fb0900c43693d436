// CA directory creation and issuance: validate, sign, self-check, record, then write.
#include "ca/authority.h"

#include "ca/ca_renewal.h"
#include "ca/openssl_index.h"
#include "ca/parallel.h"
#include "ca/path_length.h"
#include "issue/random.h"
#include "base/pem.h"
#include "issue/x509_file.h"
#include "base/error.h"
#include "base/file_lock.h"
#include "ca/inventory_location.h"
#include "base/files.h"
#include "profiles/conformance.h"
#include "profiles/lint.h"
#include "profiles/path_engine.h"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/pubkey.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <fstream>
#include <cstring>
#include <unistd.h>
#include <sys/stat.h>

namespace pkitool::ca {

namespace {

// A clash of two random 128-bit serials is astronomically rare; more than a few in a row means a bug.
constexpr int kSerialAttempts = 5;
constexpr size_t kChunk = 500;  // batch rows per transaction

db::Time to_db_time(Clock::time_point t) { return std::chrono::floor<std::chrono::seconds>(t); }

template <class Duration>
std::string day(std::chrono::time_point<Clock, Duration> t) { return fmt::format("{:%Y-%m-%d}", std::chrono::floor<std::chrono::seconds>(t)); }

std::string first_problem(const std::vector<profiles::Finding>& findings) {
    for (const auto& f : findings)
        if (f.severity == profiles::Severity::Error) return f.rule + ": " + f.message;
    return "";
}


// `ca init` never touches an existing CA: the directory must be new, or empty.
void refuse_existing(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
        throw Error(dir.string() + ": already exists and is not empty; a CA is never created over an existing one",
                    "choose a directory that does not exist yet, or an empty one");
}

// The files of a new CA: private/ca.key (0600 in 0700), or for a key in a token key.uri (its URI,
// no PIN); ca.crt, chain.pem for a sub-CA (`cert` then `parents`), certs/ and a fresh inventory.
void write_ca_files(const Layout& dir, const issue::PrivateKey& key, const std::string& key_uri, const issue::Passphrase& passphrase,
                    const Botan::X509_Certificate& cert, const std::vector<Botan::X509_Certificate>& parents,
                    const std::optional<db::PostgresDatabase>& database, db::Store::Open inventory = db::Store::Open::CreateNew) {
    files::make_directory(dir.certs_dir(), files::Mode::Public);
    if (key_uri.empty()) {
        files::make_directory(dir.private_dir(), files::Mode::Secret);
        files::write_atomic(dir.key(), key.to_pem(passphrase), files::Mode::Secret);
    } else {
        files::write_atomic(dir.key_uri(), key_uri + "\n", files::Mode::Public);
    }
    files::write_atomic(dir.certificate(), cert.PEM_encode(), files::Mode::Public);
    if (!cert.is_self_signed()) {
        std::string chain = cert.PEM_encode();
        for (const auto& c : parents) chain += c.PEM_encode();
        files::write_atomic(dir.chain(), chain, files::Mode::Public);
    }
    // The inventory last: on PostgreSQL it is shared, and what a failure leaves there is at most
    // the new CA's empty record (its fingerprint is new, so nothing else can take it for its own).
    if (database) record_location(dir, *database);
    const db::Location where = database ? db::Location(*database) : db::Location(db::SqliteFile{dir.database()});
    (void)db::Store::open(where, inventory, certificate_sha256(cert));
}

// RFC 3986 §2.1 percent-encoding of a module path for the URI's module-path query attribute
// (RFC 7512 §2.3 pk11-qchar allows unreserved characters, '/' and ':' unencoded).
std::string percent_encoded(const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || std::strchr("-._~/:", c)) out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

// What DIR/key.uri records: the URI without its PIN, naming the module it was opened with so that
// later commands need no module given (issue #11). A module-path already in the URI is kept.
std::string recorded_uri(const issue::pkcs11::KeyUri& uri, const std::string& module) {
    std::string out = uri.shown();
    // A path is made absolute (later commands run elsewhere); a bare name stays for dlopen to search.
    const std::string path = module.find('/') == std::string::npos ? module : fs::absolute(module).lexically_normal().string();
    if (!module.empty() && !uri.module_path()) out += (out.find('?') == std::string::npos ? "?" : "&") + ("module-path=" + percent_encoded(path));
    (void)issue::pkcs11::KeyUri::parse(out);  // what is written must read back
    return out;
}

// A key whose private half does not sign for its public half (a token whose public object belongs
// to another key, a damaged file) would make a CA whose every signature fails: one signature
// made and verified before anything is written.
void check_key_signs(const issue::PrivateKey& key, const std::string& where) {
    const std::string padding = key.type().algorithm() == issue::KeyType::Algorithm::RSA ? "EMSA3(SHA-256)" : "EMSA1(SHA-256)";
    const std::vector<uint8_t> probe{'p', 'k', 'i', 't', 'o', 'o', 'l'};
    bool good = false;
    try {
        Botan::PK_Signer signer(key.botan(), issue::rng(), padding);
        const auto signature = signer.sign_message(probe, issue::rng());
        Botan::PK_Verifier verifier(*key.public_key(), padding);
        good = verifier.verify_message(probe, signature);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(where + ": cannot sign with the key: " + e.what());
    }
    if (!good) throw Error(where + ": the private key's signatures do not verify with its public key", "use a key pair whose halves belong together");
}

// The key a new CA is made with: the one given (checked), else a new one of `type`. `uri` is set
// to what DIR/key.uri records for a token key.
issue::PrivateKey new_ca_key(const std::optional<issue::KeyLocation>& given, const issue::KeyType& type, const issue::Passphrase& passphrase,
                             const issue::pkcs11::Access& access, std::string& uri) {
    if (!given) return issue::PrivateKey::generate(type);
    auto key = given->open(passphrase, access);
    if (given->uri()) uri = recorded_uri(*given->uri(), access.module);
    else if (!key.botan().check_key(issue::rng(), true))
        throw Error(given->shown() + ": the private key fails its consistency check (its secret does not produce the public key it carries)");
    check_key_signs(key, given->shown());
    return key;
}

// A CA directory being built is `.DIR.tmp-PID-XXXXXX` (0700): the PID says whether its maker is
// still at work. One whose maker died (kill -9, power loss) holds a complete CA key nobody will
// use, and is removed by the next `ca init` of the same DIR (issue #8, defect 11).
constexpr const char* kTempMarker = ".tmp-";

// A zombie (killed, not yet reaped: its parent died too) is as dead as a process can be.
bool process_alive(pid_t pid) {
    if (::kill(pid, 0) != 0) return errno != ESRCH;  // EPERM: someone else's, alive
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');  // the command name in parentheses may hold anything
    return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

void remove_abandoned_ca_directories(const fs::path& parent, const std::string& ca_name) {
    std::error_code ec;
    const std::string prefix = "." + ca_name + kTempMarker;
    for (const auto& e : fs::directory_iterator(parent, ec)) {
        const std::string name = e.path().filename().string();
        const auto marker = name.rfind(kTempMarker);
        // Only this CA's own: another directory's build may belong to a host sharing the parent.
        if (name.rfind(prefix, 0) != 0 || marker + std::strlen(kTempMarker) != prefix.size() || !e.is_directory(ec) || e.is_symlink(ec)) continue;
        const std::string rest = name.substr(marker + std::strlen(kTempMarker));
        const auto dash = rest.find('-');
        if (dash == std::string::npos || dash == 0 || rest.size() != dash + 7) continue;
        const std::string pid_text = rest.substr(0, dash);
        if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) continue;
        const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
        if (pid == ::getpid() || process_alive(pid)) continue;
        fs::remove_all(e.path(), ec);
    }
}

// Builds a CA directory in a private sibling, then renames it into place: a failure half-way
// leaves no partial CA behind, and a reader never sees one. `publish` runs after the rename; if
// it fails, the directory is removed again.
void create_ca_directory(const fs::path& dir, const std::function<void(const Layout&)>& fill,
                         const std::function<void()>& publish = {}) {
    std::error_code ec;
    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec)) throw Error(dir.string() + ": parent directory " + parent.string() + " does not exist");
    remove_abandoned_ca_directories(parent, dir.filename().string());
    std::string name = ".";  // appended piecewise: GCC 12's -Wrestrict misfires on `"." + std::string&&`
    name += dir.filename().string();
    name += kTempMarker;
    name += std::to_string(::getpid());
    name += "-XXXXXX";
    std::string tmpl = (parent / name).string();
    if (!::mkdtemp(tmpl.data())) throw Error(dir.string() + ": cannot create: " + std::strerror(errno));
    try {
        fill(Layout{tmpl});
        if (::chmod(tmpl.c_str(), 0755) != 0) throw Error(dir.string() + ": cannot set permissions: " + std::strerror(errno));
        if (::rename(tmpl.c_str(), dir.c_str()) != 0) throw Error(dir.string() + ": cannot create: " + std::strerror(errno));
    } catch (...) {
        fs::remove_all(tmpl, ec);
        throw;
    }
    if (!publish) return;
    try {
        publish();
    } catch (...) {
        fs::remove_all(dir, ec);
        throw;
    }
}

}  // namespace

// The inventory's SANs column: as pkitool issues them, or for an adopted certificate with names
// pkitool does not issue (otherName...), every name as `show` prints it.
std::string sans_text(const Botan::X509_Certificate& cert) {
    try {
        return issue::SubjectAltNames::of(cert).to_string();
    } catch (const std::exception&) {
        std::string out;
        try {
            for (const auto& n : issue::subject_alt_names(cert)) out += (out.empty() ? "" : ",") + n.to_string();
        } catch (const std::exception&) {
            out = "(undecodable)";
        }
        return out;
    }
}

NextStep export_step(const fs::path& dir, const issue::Serial& serial) {
    return NextStep{NextStep::Kind::ExportCertificate, "export certificate " + serial.hex() + " from the inventory of " + dir.string(),
                    dir.string(), serial.hex()};
}

db::CertificateRecord record_for(const Botan::X509_Certificate& cert, const std::string& profile) {
    auto sha256 = Botan::HashFunction::create_or_throw("SHA-256");
    const auto der = cert.BER_encode();
    return db::CertificateRecord{
        issue::Serial::from(Botan::BigInt(cert.serial_number())),
        issue::format_dn(cert.subject_dn()),
        sans_text(cert),
        to_db_time(cert.not_before().to_std_timepoint()),
        to_db_time(cert.not_after().to_std_timepoint()),
        profile,
        Botan::hex_encode(sha256->process(der), false),
        der,
        to_db_time(Clock::now()),
        std::nullopt};
}

void Authority::init_root(const RootRequest& req) {
    refuse_existing(req.dir);
    if (req.subject.empty()) throw usage_error(Error::Input{"subject"}, "is empty", "give the CA a name, e.g. CN=Example Root CA,O=Example");

    auto profile = profiles::builtin(profiles::Builtin::RootCa);
    profile.path_len = req.path_len;
    if (req.days == 0 || req.days > profile.max_days)
        throw usage_error(Error::Input{"days", std::to_string(req.days), "", req.days > profile.max_days ? std::optional<unsigned long long>(profile.max_days) : std::nullopt},
                          fmt::format("must be between 1 and {}", profile.max_days));

    std::string uri;
    const auto key = new_ca_key(req.key, req.key_type, req.passphrase, req.access, uri);
    const auto key_type = key.type();
    if (!profile.allows_key(key_type)) throw Error((req.key ? req.key->shown() + ": " : "") + "key type " + key_type.name() + " is not allowed by profile " + profile.name);
    create_ca_directory(req.dir, [&](const Layout& tmp) {
        const auto now = Clock::now();
        const auto pub = issue::SubjectKey::of(key.public_key());
        CertificateTemplate t{req.subject, {}, pub, profile, now - kBackdate, now + std::chrono::days(req.days)};
        const Issuer self{req.subject.dn(), pub.key_id, &key.botan(), key_type.signature_hash()};
        const auto cert = Signer(self).sign(t, issue::Serial::random());
        // The certificate the key makes is checked against the key it names.
        if (!cert.check_signature(*pub.key))
            throw Error((req.key ? req.key->shown() : std::string("the new key")) + ": the self-signed certificate it made does not verify with its public key");
        const auto findings = profiles::check_conformance(cert, profile);
        if (profiles::has_errors(findings)) throw Error("internal: the new root CA fails its profile: " + first_problem(findings));
        write_ca_files(tmp, key, uri, req.passphrase, cert, {}, req.database);
    });
}

Issued Authority::init_intermediate(const IntermediateRequest& req) {
    refuse_existing(req.dir);
    if (req.subject.empty()) throw usage_error(Error::Input{"subject"}, "is empty", "give the CA a name, e.g. CN=Example Issuing CA");
    auto parent = Authority::open(req.parent);
    const auto parent_chain = parent.chain();
    const auto upwards = parent.is_root() ? std::vector<Botan::X509_Certificate>{parent.cert_} : parent_chain;
    // Same name as the parent would make it "self-issued" (RFC 5280 §3.2): it would not count
    // against pathLenConstraint (§6.1.4 (l)), and validators that find issuers by name would mix them up.
    if (req.subject.dn() == parent.cert_.subject_dn())
        throw Error(req.parent.string() + ": the new CA's subject " + req.subject.to_string() + " is the parent's own name",
                    "give the intermediate a name of its own, e.g. CN=Example Issuing CA");
    if (!parent.cert_.allowed_usage(Botan::KEY_CERT_SIGN))
        throw Error(parent.layout_.certificate().string() + ": its keyUsage lacks keyCertSign, so it cannot sign a CA certificate");

    auto profile = profiles::builtin(profiles::Builtin::IntermediateCa);
    profile.path_len = sub_ca_path_len(ca_levels_below(upwards), req.path_len, req.parent.string());
    // validate() is the same check leaves get: the child must not outlive its parent, and
    // explicit days that would are refused. Without them the profile's default is shortened to
    // the parent's remaining whole days, so a third level works without arithmetic by the operator.
    const auto now = Clock::now();
    auto days = req.days;
    if (!days) {
        const auto left = std::chrono::floor<std::chrono::days>(parent.cert_.not_after().to_std_timepoint() - now).count();
        if (left < 1)
            throw Error(parent.layout_.certificate().string() + ": expires on " + day(parent.cert_.not_after().to_std_timepoint()) +
                            ", too soon to sign a CA under it",
                        "renew the parent CA first");
        days = std::min<unsigned>(profile.default_days, static_cast<unsigned>(left));
    }
    std::string uri;
    const auto key = new_ca_key(req.key, req.key_type, req.passphrase, req.access, uri);
    const auto validity = parent.validate(profile, req.subject, key.type(), days, now);
    parent.unlock(req.parent_passphrase, req.parent_access);

    const Layout final_place{req.dir};
    const CertificateTemplate t{req.subject, {}, issue::SubjectKey::of(key.public_key()), profile, validity.not_before, validity.not_after,
                                Delivery{final_place.certificate(), uri.empty() ? std::optional<fs::path>(final_place.key()) : std::nullopt}};
    std::optional<Issued> issued;
    // The parent's row is committed only once the new directory is in place, so a failure on
    // either side leaves neither a CA without a record nor a record without a CA.
    db::Store::Transaction tx(parent.store_);
    create_ca_directory(
        req.dir,
        [&](const Layout& tmp) {
            issued = parent.sign_and_record(t);
            write_ca_files(tmp, key, uri, req.passphrase, issued->certificate, parent_chain, req.database);
        },
        [&] { tx.commit(); });
    try {
        parent.write_issued_copy(*issued);
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + " (the CA in " + req.dir.string() + " was created and is recorded)")
            .with_step(export_step(req.parent, issued->record.serial));
    }
    return std::move(*issued);
}

ImportRequest ImportRequest::easyrsa(fs::path dir, const fs::path& pki, issue::Passphrase passphrase) {
    ImportRequest r{std::move(dir), pki / "ca.crt", pki / "private" / "ca.key", std::move(passphrase), pki / "index.txt", {}, std::nullopt};
    r.certificates_in = {{pki / "certs_by_serial", ".pem"}, {pki / "revoked" / "certs_by_serial", ".crt"}, {pki / "renewed" / "certs_by_serial", ".crt"}};
    std::error_code ec;
    for (const auto& required : {r.certificate, r.key, *r.openssl_index})
        if (!fs::exists(required, ec)) throw Error(pki.string() + ": not an easy-rsa PKI directory (no " + required.lexically_relative(pki).string() + ")");
    return r;
}

namespace {

// The path engine's findings that mean the chain is no chain (RFC 5280 §6.1 would refuse the
// path). Validity and Roles Anywhere's own limits (hash, depth) do not stop an import: they are
// findings the operator is told.
bool breaks_the_chain(const profiles::Finding& f) {
    if (f.severity != profiles::Severity::Error) return false;
    return f.rule.rfind("ra.validity.", 0) != 0 && f.rule != "ra.chain.sig-hash" && f.rule != "ra.chain.depth";
}

struct AdoptedChain {
    std::vector<Botan::X509_Certificate> parents;  // the CA's issuers in path order, the root left out (as in chain.pem)
    std::vector<std::string> unused;
    std::vector<profiles::Finding> findings;
};

// The chain of an intermediate being adopted, checked by the one path engine (`lint`'s): it must
// lead from `cert` to a self-signed root, link by verified link.
AdoptedChain adopt_chain(const Botan::X509_Certificate& cert, const fs::path& cert_file, const fs::path& chain_file) {
    auto given = pem::load_certificates(chain_file);
    // A chain.pem (this CA first) is as good as its issuers alone.
    given.erase(std::remove(given.begin(), given.end(), cert), given.end());
    if (given.empty())
        throw Error(chain_file.string() + ": holds no certificate but " + cert_file.string() + " itself; it needs the CA's issuers up to and including the root");
    std::vector<Botan::X509_Certificate> roots, intermediates;
    for (const auto& c : given) (c.is_self_signed() ? roots : intermediates).push_back(c);
    if (roots.empty())
        throw Error(chain_file.string() + ": ends at " + profiles::certificate_label(given.back()) +
                        ", which is not self-signed: the chain must go up to and including the root",
                    "append the root CA certificate to the chain file");
    const profiles::TrustAnchors trust(roots, {});
    profiles::PathEngine engine(trust, intermediates, Clock::now());
    AdoptedChain out;
    for (auto& f : engine.check(cert, profiles::certificate_label(cert))) {
        if (breaks_the_chain(f))
            throw Error(chain_file.string() + ": does not lead from " + cert_file.string() + " to a root: " + f.rule + ": " + f.certificate + " " + f.message);
        out.findings.push_back(std::move(f));
    }
    const auto& path = engine.last_path();
    // The engine gives up past its depth (a finding let through above): a path that stops short of
    // a self-signed root is no chain to adopt.
    if (path.size() < 2 || !path.back()->is_self_signed())
        throw Error(chain_file.string() + ": does not lead from " + cert_file.string() + " to a self-signed root within " +
                    std::to_string(path.size()) + " certificates");
    for (size_t i = 1; i + 1 < path.size(); ++i) out.parents.push_back(*path[i]);
    for (const auto& c : given)
        if (std::none_of(path.begin(), path.end(), [&](const Botan::X509_Certificate* p) { return *p == c; }))
            out.unused.push_back(profiles::certificate_label(c));
    // A CA uses DIR/chain.pem, not its root, to judge the sub-CAs it may sign (validate()): a root
    // whose pathLenConstraint is tighter than the chain's own is said now (RFC 5280 §6.1.4 (l)).
    std::vector<Botan::X509_Certificate> upwards{cert}, with_root;
    upwards.insert(upwards.end(), out.parents.begin(), out.parents.end());
    with_root = upwards;
    with_root.push_back(*path.back());
    // The engine judges the CA as the end of its own path, where pathLenConstraint does not count it
    // (§6.1.4 (l)); as the issuer of what comes next it does count, which ca_levels_below judges.
    std::optional<size_t> all;
    try {
        all = ca_levels_below(with_root);
    } catch (const Error& e) {
        throw Error(chain_file.string() + ": " + e.what() + ": nothing " + cert_file.string() + " issues would be accepted by a validator");
    }
    const auto kept = ca_levels_below(upwards);
    if (all && (!kept || *kept > *all))
        out.findings.push_back({"ca.import.root-path-len", profiles::Severity::Warning, profiles::certificate_label(cert),
                                fmt::format("the root's pathLenConstraint allows {} CA level(s) below this CA, fewer than its own chain says; "
                                            "the CA directory keeps the chain without the root, so a sub-CA made under it is not held to that limit",
                                            *all),
                                *all == 0 ? std::string("issue only end-entity certificates from this CA")
                                          : fmt::format("give a sub-CA of this CA a path length constraint of at most {}", *all - 1)});
    return out;
}

}  // namespace

ImportSummary Authority::import(const ImportRequest& req) {
    refuse_existing(req.dir);
    const auto cert = pem::load_certificate(req.certificate);
    const auto key = issue::PrivateKey::load(req.key, req.passphrase);
    std::unique_ptr<Botan::Public_Key> pub(cert.subject_public_key());
    if (!issue::keys_match(key.botan(), *pub))
        throw Error(req.key.string() + ": does not match the CA certificate " + req.certificate.string());
    // keys_match compares the public part the file states; for EC that is the optional [1]
    // publicKey, not derived from the scalar. A sign/verify round trip proves the key signs.
    if (!key.botan().check_key(issue::rng(), true))
        throw Error(req.key.string() + ": the private key fails its consistency check (its secret does not produce the public key it carries)");
    if (!profiles::basic_constraints_ca(cert) || !cert.allowed_usage(Botan::KEY_CERT_SIGN))
        throw Error(req.certificate.string() + ": not a CA certificate with keyCertSign");
    ImportSummary summary;
    AdoptedChain chain;
    if (cert.is_self_signed() && req.chain)
        throw Error(req.certificate.string() + ": is self-signed, a root: it has no chain to import from " + req.chain->string(), "leave out the chain");
    if (!cert.is_self_signed()) {
        if (!req.chain)
            throw Error(req.certificate.string() + ": not self-signed: an intermediate CA is imported with its chain",
                        "give its chain: its issuers up to and including the root");
        chain = adopt_chain(cert, req.certificate, *req.chain);
        summary.parents = chain.parents.size();
        summary.chain_unused = chain.unused;
    }

    // Everything the index names is read and checked before anything is written.
    std::vector<db::CertificateRecord> records;
    std::vector<std::optional<Botan::X509_Certificate>> issued;  // empty for a line recorded without its file
    if (req.openssl_index) {
        const auto& index = *req.openssl_index;
        const auto beside = index.has_parent_path() ? index.parent_path() : fs::path(".");
        auto places = req.certificates_in;
        if (places.empty()) places.push_back({beside / "newcerts", ".pem"});
        const auto now = to_db_time(Clock::now());
        for (const auto& e : parse_openssl_index(files::read_text(index, 256u << 20), index.string())) {
            const std::string where = index.string() + ":" + std::to_string(e.line) + ": ";
            std::error_code ec;
            fs::path file;
            std::string looked;
            for (const auto& p : places) {
                const auto candidate = p.dir / (e.serial.hex() + p.extension);
                looked += (looked.empty() ? "" : ", ") + candidate.string();
                if (fs::exists(candidate, ec)) {
                    file = candidate;
                    break;
                }
            }
            if (e.released) summary.released.push_back({e.line, e.serial, looked});
            summary.revoked += e.revocation.has_value();
            summary.holds += e.revocation && e.revocation->reason == db::Reason::CertificateHold;
            if (file.empty()) {
                if (!req.allow_missing) throw Error(where + "serial " + e.serial.hex() + " has no certificate file (looked for " + looked + ")");
                // What a CRL and the inventory need come from the line; nothing is known of the
                // certificate's key, names beyond the subject, or start.
                records.push_back(db::CertificateRecord{e.serial, e.subject, "", db::Time{}, e.expiry, "imported", "", {}, now, e.revocation});
                issued.emplace_back();
                summary.missing.push_back({e.line, e.serial, looked});
                continue;
            }
            const auto c = pem::load_certificate(file);
            if (issue::Serial::from(Botan::BigInt(c.serial_number())).hex() != e.serial.hex())
                throw Error(where + file.string() + " holds serial " + issue::Serial::from(Botan::BigInt(c.serial_number())).hex() + ", not " + e.serial.hex());
            bool signed_by_ca = false;
            try {
                signed_by_ca = c.check_signature(*pub);
            } catch (const std::exception&) {
                signed_by_ca = false;
            }
            if (!signed_by_ca) throw Error(where + file.string() + ": not signed by the key of " + req.certificate.string());
            auto r = record_for(c, "imported");
            r.revocation = e.revocation;
            records.push_back(std::move(r));
            issued.push_back(c);
        }
        const auto crlnumber = req.crlnumber.value_or(beside / "crlnumber");
        std::error_code ec;
        if (req.crlnumber || fs::exists(crlnumber, ec)) {
            const auto next = read_openssl_crlnumber(crlnumber);
            summary.last_crl_number = next == 0 ? 0 : next - 1;
        }
    }
    summary.certificates = records.size();
    // What `pkitool lint` says of it as a trust anchor: told now, not at CreateTrustAnchor.
    summary.findings = profiles::lint_certificate(cert, profiles::builtin(profiles::Builtin::RolesAnywhereAnchor),
                                                  profiles::certificate_label(cert), Clock::now());
    summary.findings.insert(summary.findings.end(), chain.findings.begin(), chain.findings.end());
    create_ca_directory(req.dir, [&](const Layout& tmp) {
        write_ca_files(tmp, key, "", req.passphrase, cert, chain.parents, req.database);
        auto store = db::Store::open(recorded_location(tmp), db::Store::Open::Existing, certificate_sha256(cert));
        db::Store::Transaction tx(store);
        for (const auto& r : records)
            if (!store.insert(r)) throw Error(req.openssl_index->string() + ": serial " + r.serial.hex() + " appears twice");
        store.continue_crl_numbers_after(summary.last_crl_number);
        tx.commit();
        for (size_t i = 0; i < issued.size(); ++i)
            if (issued[i]) files::write_atomic(tmp.issued(records[i].serial), issued[i]->PEM_encode(), files::Mode::Public);
    });
    return summary;
}

size_t Authority::attach(const AttachRequest& req) {
    refuse_existing(req.dir);
    const auto cert = pem::load_certificate(req.certificate);
    if (!profiles::basic_constraints_ca(cert) || !cert.allowed_usage(Botan::KEY_CERT_SIGN))
        throw Error(req.certificate.string() + ": not a CA certificate with keyCertSign");
    std::string uri;
    const auto key = new_ca_key(req.key, issue::KeyType::default_type(), req.passphrase, req.access, uri);
    std::unique_ptr<Botan::Public_Key> pub(cert.subject_public_key());
    if (!issue::keys_match(key.botan(), *pub)) throw Error(req.key.shown() + ": does not match the CA certificate " + req.certificate.string());
    AdoptedChain chain;
    if (!cert.is_self_signed()) {
        if (!req.chain)
            throw Error(req.certificate.string() + ": not self-signed: an intermediate CA is attached with its chain",
                        "give its chain: its issuers up to and including the root (the first host's DIR/chain.pem and the root's ca.crt)");
        chain = adopt_chain(cert, req.certificate, *req.chain);
    }
    // Asked before anything is written: the database must hold this CA already.
    const auto rows = db::Store::open(req.database, db::Store::Open::Existing, certificate_sha256(cert)).count();
    create_ca_directory(req.dir, [&](const Layout& tmp) {
        write_ca_files(tmp, key, uri, uri.empty() ? req.passphrase : issue::Passphrase{}, cert, chain.parents, req.database, db::Store::Open::Existing);
    });
    return rows;
}

std::string certificate_sha256(const Botan::X509_Certificate& cert) {
    return Botan::hex_encode(Botan::HashFunction::create_or_throw("SHA-256")->process(cert.BER_encode()), false);
}

Authority Authority::open(const fs::path& dir, Sharing sharing) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(dir.string() + ": no such CA directory").with_step({NextStep::Kind::CreateCa, "create the CA first", dir.string()});
    const Layout layout{dir};
    if (!fs::exists(layout.certificate(), ec))
        throw Error(dir.string() + ": not a CA directory (no ca.crt)").with_step({NextStep::Kind::CreateCa, "create a CA in a new directory"});
    // Taken before the inventory's location is read: a migration under way is waited for, and
    // its result used. A directory this user may not write to (a read-only copy) has no lock to take.
    std::shared_ptr<const files::FileLock> lock;
    if (sharing == Sharing::WithOthers && ::access(dir.c_str(), W_OK) == 0)
        lock = std::make_shared<const files::FileLock>(layout.migration_lock(), files::FileLock::Kind::Shared);
    finish_interrupted_renewal(layout);  // a `ca renew` cut short: its new files, or none of them
    auto cert = pem::load_certificate(layout.certificate());
    // The inventory must be this CA's: a pkitool.db copied from another CA would hand out its
    // serials and revocations as this one's. On PostgreSQL the fingerprint picks the CA's rows.
    const auto mine = certificate_sha256(cert);
    auto store = db::Store::open(inventory_location(layout), db::Store::Open::Existing, mine);
    const auto recorded = store.ca_fingerprint();
    if (!recorded) store.set_ca_fingerprint(mine);  // an inventory from before the fingerprint was kept
    else if (*recorded != mine)
        throw Error(store.where() + ": the inventory belongs to another CA (certificate SHA-256 " + recorded->substr(0, 16) +
                        "…), not to " + layout.certificate().string() + " (" + mine.substr(0, 16) + "…)",
                    "restore this CA's own pkitool.db");
    Authority authority(layout, std::move(cert), std::move(store));
    authority.migration_lock_ = std::move(lock);
    return authority;
}

issue::KeyLocation Authority::key_location() const {
    std::error_code ec;
    if (!fs::exists(layout_.key_uri(), ec)) return issue::KeyLocation::file(layout_.key());
    std::string text = files::read_text(layout_.key_uri(), 64 * 1024);
    if (const auto end = text.find_first_of("\r\n"); end != std::string::npos) text.resize(end);
    if (!issue::pkcs11::KeyUri::looks_like(text))
        throw Error(layout_.key_uri().string() + ": does not hold a pkcs11: URI", "restore the URI of this CA's key in its token");
    return issue::KeyLocation::parse(text);
}

void Authority::unlock(const issue::Passphrase& passphrase, const issue::pkcs11::Access& access) {
    const auto where = key_location();
    auto key = where.open(passphrase, access);
    std::unique_ptr<Botan::Public_Key> pub(cert_.subject_public_key());
    if (!issue::keys_match(key.botan(), *pub))
        throw Error((where.uri() ? where.shown() : layout_.key().string()) + ": does not match the CA certificate " + layout_.certificate().string(),
                    "restore the key that belongs to this CA");
    key_ = std::move(key);
}

const issue::PrivateKey& Authority::key() const {
    if (!key_) throw Error("internal: the CA key of " + layout_.dir.string() + " is used before it is opened");
    return *key_;
}

std::vector<Botan::X509_Certificate> Authority::chain() const {
    if (is_root()) return {};
    std::error_code ec;
    if (!fs::exists(layout_.chain(), ec))
        throw Error(layout_.chain().string() + ": missing; " + layout_.certificate().string() + " is not self-signed, so this CA needs its chain",
                    "restore chain.pem: this CA's certificate, then its parents up to the root");
    auto certs = pem::load_certificates(layout_.chain());
    if (!(certs.front() == cert_))
        throw Error(layout_.chain().string() + ": does not start with this CA's certificate " + layout_.certificate().string());
    return certs;
}

Validity Authority::validate(const profiles::Profile& p, const issue::Subject& subject, const issue::KeyType& type,
                             std::optional<unsigned> requested_days, Clock::time_point now) const {
    if (!p.allows_key(type)) throw Error("key type " + type.name() + " is not allowed by profile " + p.name);
    // Content errors (exit 1): the subject may come from a CSR and the days from a fleet row; the
    // CLI refuses its own flags' values as usage errors before asking (issue #8, defect 10).
    if (p.require_subject && subject.empty())
        throw Error("the subject is empty; profile " + p.name + " requires one", "give a subject such as CN=... (Roles Anywhere refuses certificates with only SANs)");
    if (const auto why = subject.problem()) throw Error("the subject's " + *why, "issue names within RFC 5280's bounds, without control characters");
    const unsigned days = requested_days.value_or(p.default_days);
    // The days as data: the CLI says `--days 900`, a fleet row `fleet.csv:3: days 900`.
    const auto days_input = [&](std::optional<unsigned long long> most) {
        return Error::Input{"days", requested_days ? std::to_string(days) : fmt::format("{} (profile {}'s default)", days, p.name), "", most};
    };
    if (!p.allows_days(days))
        throw Error(days_input(days > p.max_days ? std::optional<unsigned long long>(p.max_days) : std::nullopt),
                    fmt::format("profile {} allows 1 to {} days", p.name, p.max_days));
    // A CA certificate under a CA whose pathLenConstraint allows none is refused by every validator
    // (RFC 5280 §6.1.4 (m), issue #8): whatever the profile, fleet rows included.
    if (p.is_ca()) {
        const auto upwards = is_root() ? std::vector<Botan::X509_Certificate>{cert_} : chain();
        const auto levels = ca_levels_below(upwards);
        if (levels && *levels == 0)
            throw Error(layout_.certificate().string() + ": its path length constraint (pathlen:0 here or above it) allows no CA below it, so it cannot sign a " +
                            p.name + " certificate",
                        "issue end-entity certificates from this CA, or sign the sub-CA with a CA whose path length allows it");
    }
    const auto ca_end = cert_.not_after().to_std_timepoint();
    if (ca_end <= now)
        throw Error(layout_.certificate().string() + ": the CA certificate expired on " + day(ca_end), "create a new CA");
    const auto not_after = now + std::chrono::days(days);
    // A certificate must not outlive its issuer: validators reject the chain once the CA expires.
    // We refuse rather than silently shorten what the operator asked for.
    if (not_after > ca_end) {
        const auto max_days = std::chrono::duration_cast<std::chrono::hours>(ca_end - now).count() / 24;
        if (max_days < 1)
            throw Error(days_input(std::nullopt), "the certificate would outlive its CA, which expires on " + day(ca_end) + ", in less than a day",
                        "create a new CA");
        throw Error(days_input(static_cast<unsigned long long>(max_days)), "the certificate would outlive its CA, which expires on " + day(ca_end));
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
    if (t.delivery.certificate) record.cert_path = recorded_path(*t.delivery.certificate);
    if (t.delivery.key) record.key_path = recorded_path(*t.delivery.key);
    auto pem = cert.PEM_encode();
    return Issued{std::move(cert), std::move(record), std::move(pem)};
}

void Authority::write_issued_copy(const Issued& i) const {
    files::write_atomic(layout_.issued(i.record.serial), i.pem, files::Mode::Public, files::Overwrite::Yes);
}

Issued Authority::record_or_resign(Issued issued, const CertificateTemplate& t, Signer& signer) {
    // A clash of two random 128-bit serials is astronomically rare; several in a row means a bug.
    for (int attempt = 1; !store_.insert(issued.record); ++attempt) {
        if (attempt == kSerialAttempts)
            throw Error(store_.where() + ": could not find an unused serial after " + std::to_string(attempt) + " tries");
        issued = sign_checked(t, signer);
    }
    // In the same transaction: two renewals of one certificate cannot both commit.
    if (t.renews && !store_.set_superseded_by(*t.renews, issued.record.serial)) {
        const auto old = store_.find(*t.renews);
        throw Error("certificate " + t.renews->hex() + (old && old->superseded_by ? " was already renewed by " + old->superseded_by->hex()
                                                                                  : " is not in the inventory of " + layout_.dir.string()));
    }
    return issued;
}

Issued Authority::sign_and_record(const CertificateTemplate& t) {
    Signer signer(issuer());
    return record_or_resign(sign_checked(t, signer), t, signer);
}

db::CertificateRecord Authority::revoke(const issue::Serial& serial, db::Reason reason, Clock::time_point now) {
    const auto where = serial.hex() + " in " + layout_.dir.string();
    switch (store_.revoke(serial, db::Revocation{to_db_time(now), reason})) {
        case db::RevokeResult::Revoked: break;
        case db::RevokeResult::NotFound:
            throw Error(where + ": no certificate with this serial")
                .with_step({NextStep::Kind::ListSerials, "list the serials in this CA's inventory", layout_.dir.string()});
        case db::RevokeResult::AlreadyRevoked: {
            const auto r = store_.find(serial);
            throw Error(where + ": already revoked on " + day(r->revocation->at) + " (" + db::to_string(r->revocation->reason) + ")",
                        "a revocation is final")
                .with_step({NextStep::Kind::PublishCrl, "publish it in a new CRL", layout_.dir.string()});
        }
    }
    return *store_.find(serial);
}

CrlIssued Authority::issue_crl(std::chrono::seconds validity, Clock::time_point now) {
    if (!key_) throw Error("internal: CA key not loaded");
    now = std::chrono::floor<std::chrono::seconds>(now);
    // One CRL at a time per CA, from number to file: two `crl` runs used to commit #1 and #2 and
    // then rename in either order, so crl.pem could end at #1 (issue #8, defect 5).
    const files::FileLock lock(layout_.dir / ".crl.lock");
    // The published CRL is the inventory's high-water mark: a number above the inventory's counter
    // means rows were lost (a restored old copy, a missing -wal), and a CRL from it would forget
    // revocations.
    std::error_code ec;
    if (fs::exists(layout_.crl(), ec)) {
        uint64_t published = 0;
        try {
            published = issue::load_crl(layout_.crl()).crl_number();
        } catch (const Error&) {
            // An unreadable crl.pem is replaced by the new one; the inventory's counter decides.
        }
        const auto last = store_.last_crl_number();
        if (published > last)
            throw Error(layout_.crl().string() + ": is CRL number " + std::to_string(published) + ", but the inventory's last CRL number is " +
                            std::to_string(last) + ": " + store_.where() + " is older than what this CA published, and lost rows",
                        "restore the inventory from a backup before signing another CRL");
    }
    Botan::X509_CRL crl;
    CrlContents contents;
    {
        // The number is reserved and the entries read in one transaction; it commits only once the
        // CRL is signed. Committed before the file is written: two different CRLs never share a number.
        db::Store::Transaction tx(store_);
        contents = CrlContents{store_.next_crl_number(), now, now + validity, store_.revocations()};
        crl = sign_crl(contents, cert_, key_->botan(), key_->type().signature_hash());
        tx.commit();
    }
    const auto pem = crl.PEM_encode();
    files::write_atomic(layout_.crl(), pem, files::Mode::Public, files::Overwrite::Yes);
    return CrlIssued{crl, pem, contents.number, contents.revoked.size()};
}

Issued Authority::issue(const CertificateTemplate& t) {
    auto all = issue_many({t});
    return std::move(all.front());
}

std::vector<Issued> Authority::issue_many(const std::vector<CertificateTemplate>& templates,
                                          const std::function<void(size_t, size_t)>& on_progress, const Release& release) {
    const Issuer me = issuer();
    std::vector<Signer> signers;
    // One signer per worker that will actually run: a single `issue` builds one, not one per core.
    const size_t workers = std::max<size_t>(1, std::min(worker_count(), std::min(templates.size(), kChunk)));
    for (size_t w = 0; w < workers; ++w) signers.emplace_back(me);
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
            for (size_t i = 0; i < chunk.size(); ++i)
                out.push_back(record_or_resign(std::move(*chunk[i]), templates[start + i], signers[0]));
            tx.commit();
        }
        // Recorded first, released second: a failed write below still leaves the row, and
        // `db show --pem` can export it. The copies under certs/ and the caller's files go to
        // different directories, so they are written side by side: creating a file costs up to
        // ~0.7 ms of kernel time on some ext4 directories, and one directory's creations queue up.
        const auto copies = [&] {
            for (size_t i = first; i < out.size(); ++i) {
                try {
                    write_issued_copy(out[i]);
                } catch (const Error& e) {
                    throw Error(std::string(e.what()) + " (certificate " + out[i].record.serial.hex() + " is recorded in the inventory)")
                        .with_step(export_step(layout_.dir, out[i].record.serial));
                }
            }
        };
        parallel_for(release ? 2 : 1, [&](size_t task, size_t) {
            if (task == 0) copies();
            else release(out, start, end);
        });
        if (on_progress) on_progress(out.size(), templates.size());
    }
    return out;
}

}  // namespace pkitool::ca
