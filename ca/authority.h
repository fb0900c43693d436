// A certificate authority living in a directory (layout in README "Command line" and `ca init --help`): create, open, issue.
#pragma once

#include "ca/certificate_template.h"
#include "ca/revocation_list.h"
#include "base/error.h"
#include "base/file_lock.h"
#include "db/store.h"
#include "issue/key.h"
#include "profiles/finding.h"

#include <filesystem>
#include <functional>
#include <optional>

namespace pkitool::ca {

namespace fs = std::filesystem;

// DIR/ca.crt, DIR/private/ca.key, DIR/pkitool.db, DIR/certs/SERIAL.pem, DIR/crl.pem, DIR/chain.pem.
// A CA whose inventory is on PostgreSQL (issue #14) has DIR/inventory.url instead of pkitool.db.
// A CA whose key is in a PKCS#11 token (issue #11) has DIR/key.uri instead of private/ca.key: one
// line, the key's RFC 7512 URI without any pin-value, with module-path naming the module it was
// created with.
struct Layout {
    fs::path dir;
    fs::path certificate() const { return dir / "ca.crt"; }
    fs::path private_dir() const { return dir / "private"; }
    fs::path key() const { return private_dir() / "ca.key"; }
    fs::path key_uri() const { return dir / "key.uri"; }
    fs::path database() const { return dir / "pkitool.db"; }
    fs::path inventory_url() const { return dir / "inventory.url"; }  // ca/inventory_location.h
    fs::path migration_lock() const { return dir / ".migrate.lock"; }
    fs::path certs_dir() const { return dir / "certs"; }
    fs::path issued(const issue::Serial& s) const { return certs_dir() / (s.hex() + ".pem"); }
    fs::path crl() const { return dir / "crl.pem"; }
    fs::path chain() const { return dir / "chain.pem"; }
};

struct RootRequest {
    fs::path dir;
    issue::Subject subject;
    issue::KeyType key_type = issue::KeyType::default_type();
    unsigned days = 3650;
    std::optional<size_t> path_len;
    issue::Passphrase passphrase;  // encrypts DIR/private/ca.key when set (and decrypts `key`, a file)
    // An existing key instead of a new one of key_type: a file, copied into private/ca.key, or a
    // token key, recorded in DIR/key.uri. `access` opens the token.
    std::optional<issue::KeyLocation> key = std::nullopt;
    issue::pkcs11::Access access = {};
    // The inventory's PostgreSQL database (recorded in DIR/inventory.url); none: DIR/pkitool.db.
    std::optional<db::PostgresDatabase> database = std::nullopt;
};

// A sub-CA signed by the CA in `parent` (`ca init --parent`).
struct IntermediateRequest {
    fs::path dir;
    fs::path parent;  // the parent CA's directory
    issue::Subject subject;
    issue::KeyType key_type = issue::KeyType::default_type();
    std::optional<unsigned> days;         // empty: the profile's default, or the parent's whole days left if fewer
    std::optional<size_t> path_len;       // empty: the most the parent allows (none when it is unlimited)
    issue::Passphrase passphrase;         // encrypts DIR/private/ca.key (and decrypts `key`, a file)
    issue::Passphrase parent_passphrase;  // decrypts the parent's key
    std::optional<issue::KeyLocation> key = std::nullopt;  // as RootRequest::key
    issue::pkcs11::Access access = {};                     // opens `key` in its token
    issue::pkcs11::Access parent_access = {};              // opens the parent's key when it is in a token
    std::optional<db::PostgresDatabase> database = std::nullopt;  // as RootRequest::database
};

// Adopting a CA that `openssl ca` ran (issue #10): its certificate and key (and for an
// intermediate, its chain), and optionally its database with the certificates it issued and the
// next cRLNumber.
struct ImportRequest {
    fs::path dir;
    fs::path certificate, key;
    issue::Passphrase passphrase;  // decrypts `key`, and encrypts DIR/private/ca.key again
    std::optional<fs::path> openssl_index;
    // Where each serial's certificate is looked for, in this order: DIR/SERIAL.EXT, the serial in
    // upper-case hex as openssl writes it. Empty: newcerts/*.pem beside the index.
    struct CertificateFiles {
        fs::path dir;
        std::string extension;
    };
    std::vector<CertificateFiles> certificates_in;
    std::optional<fs::path> crlnumber;  // default: crlnumber beside the index, when it exists
    // For a CA that is not self-signed: its issuers up to and including the root (PEM, any order;
    // the CA's own certificate may come first).
    std::optional<fs::path> chain = std::nullopt;
    // An index line whose certificate file is missing is recorded from the line alone (serial,
    // subject, expiry, status, revocation) instead of refusing the import.
    bool allow_missing = false;
    std::optional<db::PostgresDatabase> database = std::nullopt;  // as RootRequest::database

    // An easy-rsa 3 PKI directory: ca.crt, private/ca.key, index.txt, crlnumber when present, and
    // each certificate in certs_by_serial/, or in revoked/ or renewed/certs_by_serial/ once easy-rsa
    // moved it there (easy-rsa 3.1 does on revoke and renew).
    static ImportRequest easyrsa(fs::path dir, const fs::path& pki, issue::Passphrase passphrase);
};

// A second directory of a CA whose inventory is on PostgreSQL (`ca attach`, issue #14): another
// host issues from the same CA, with the same inventory, serials, CRL numbers and revocations.
struct AttachRequest {
    fs::path dir;
    fs::path certificate;
    issue::KeyLocation key;        // a key file (copied into private/ca.key) or a token key (key.uri)
    issue::Passphrase passphrase;  // decrypts a key file, and encrypts DIR/private/ca.key again
    issue::pkcs11::Access access = {};
    std::optional<fs::path> chain = std::nullopt;  // an intermediate's issuers, as ImportRequest::chain
    db::PostgresDatabase database;                 // must hold this CA's inventory already
};

struct ImportSummary {
    size_t certificates = 0, revoked = 0;
    size_t holds = 0;  // of `revoked`, those on hold (certificateHold)
    uint64_t last_crl_number = 0;
    // An index line the summary speaks of, and the certificate files looked for.
    struct IndexLine {
        size_t line;
        issue::Serial serial;
        std::string looked_for;
    };
    std::vector<IndexLine> missing;   // recorded from the index alone (ImportRequest::allow_missing)
    std::vector<IndexLine> released;  // removeFromCRL: a released hold, recorded as not revoked
    size_t parents = 0;                     // an intermediate's issuers kept in DIR/chain.pem (the root is not)
    std::vector<std::string> chain_unused;  // certificates of the chain file not on the CA's path to its root
    // The CA certificate linted as a trust anchor (rolesanywhere-anchor, as `pkitool lint` does),
    // and what the path engine found on its chain besides a broken link (validity, Roles Anywhere's limits).
    std::vector<profiles::Finding> findings;
};

// What a caller asks for; the Authority turns it into a CertificateTemplate (`draft`).
struct IssueRequest {
    issue::Subject subject;
    issue::SubjectAltNames sans;
    std::shared_ptr<const Botan::Public_Key> public_key;
    profiles::Profile profile;
    std::optional<unsigned> days;  // empty: the profile's default
};

struct Validity {
    Clock::time_point not_before;
    Clock::time_point not_after;
};

struct Issued {
    Botan::X509_Certificate certificate;
    db::CertificateRecord record;
    std::string pem;  // the certificate PEM-encoded once, for every file that holds it
};

struct CrlIssued {
    Botan::X509_CRL crl;
    std::string pem;
    uint64_t number;
    size_t entries;
};

// SHA-256 of the certificate's DER, lowercase hex: what an inventory records of its CA.
std::string certificate_sha256(const Botan::X509_Certificate& cert);

class Authority {
public:
    // Creates DIR (refusing an existing, non-empty one), the key, the self-signed certificate
    // and the inventory. On failure nothing is left behind.
    static void init_root(const RootRequest& req);

    // Creates an intermediate CA the same way: its certificate is signed by the parent, within the
    // parent's path length constraint and validity, and recorded in the parent's inventory (profile
    // intermediate-ca). DIR/chain.pem holds the new certificate, then its parents up to but not
    // including the root. Returns the parent's record of it.
    static Issued init_intermediate(const IntermediateRequest& req);

    // Creates DIR from an existing CA: its key (checked against the certificate); for an
    // intermediate its chain, judged by the path engine and kept as DIR/chain.pem; and from its
    // openssl index every certificate it issued (each checked to be signed by it), with statuses,
    // revocation dates, reasons and holds; the cRLNumber goes on from openssl's. The source is only
    // read. Refuses, naming the line or file, anything it cannot vouch for; nothing is left behind.
    static ImportSummary import(const ImportRequest& req);

    // Creates DIR for a CA already in `req.database` (made there by `ca init` or `ca import` on
    // another host): its certificate, key (checked against it), chain and DIR/inventory.url.
    // Returns how many certificates the shared inventory holds. Nothing is left behind on failure.
    static size_t attach(const AttachRequest& req);

    // Reads ca.crt and opens the inventory; the key is read only by unlock(). The Authority holds
    // DIR/.migrate.lock shared while it lives, so that `db migrate` (Alone: it holds it
    // exclusively) never moves an inventory another command is writing to.
    enum class Sharing { WithOthers, Alone };
    static Authority open(const fs::path& dir, Sharing sharing = Sharing::WithOthers);

    // Where the CA key is: the URI in DIR/key.uri, else DIR/private/ca.key.
    issue::KeyLocation key_location() const;

    // Opens the key (the file with `passphrase`, or the token with `access`) and checks that it
    // matches ca.crt.
    void unlock(const issue::Passphrase& passphrase, const issue::pkcs11::Access& access = {});
    // The key unlock() opened.
    const issue::PrivateKey& key() const;

    const Layout& layout() const { return layout_; }
    const Botan::X509_Certificate& certificate() const { return cert_; }
    db::Store& store() { return store_; }
    const db::Store& store() const { return store_; }

    // A root signs itself; every other CA has a DIR/chain.pem.
    bool is_root() const { return cert_.is_self_signed(); }
    // What a client sends as intermediates: DIR/chain.pem, this CA first. Empty for a root.
    std::vector<Botan::X509_Certificate> chain() const;

    // Checks a request against its profile and this CA: subject present, key type allowed,
    // validity within the profile's limit and inside the CA's own. Throws Error, writes nothing.
    Validity validate(const profiles::Profile& profile, const issue::Subject& subject, const issue::KeyType& key_type,
                      std::optional<unsigned> days, Clock::time_point now) const;

    // validate() plus the public key: exactly what would be signed.
    CertificateTemplate draft(const IssueRequest& req, Clock::time_point now = Clock::now()) const;

    // Signs with a fresh random serial, checks the result against its profile, records it
    // (retrying on a serial clash) and then writes DIR/certs/SERIAL.pem.
    Issued issue(const CertificateTemplate& t);

    // Signs many: each chunk is one transaction, committed before its files are written.
    // `release(issued, first, end)` then delivers templates [first, end) (the caller's own files),
    // on a second thread while this CA's copies under certs/ are written; an exception from it
    // stops the batch, later chunks are neither signed nor recorded.
    // `on_progress(done, total)` is called after each chunk.
    using Release = std::function<void(const std::vector<Issued>&, size_t first, size_t end)>;
    std::vector<Issued> issue_many(const std::vector<CertificateTemplate>& templates,
                                   const std::function<void(size_t, size_t)>& on_progress = {}, const Release& release = {});

    // Marks a certificate of this CA revoked as of `now`; a hold (certificateHold) becomes final.
    // Error when the serial is unknown or already revoked; the revocation becomes public with the
    // next issue_crl().
    db::CertificateRecord revoke(const issue::Serial& serial, db::Reason reason, Clock::time_point now = Clock::now());

    // Signs a CRL listing every revoked certificate, with the next cRLNumber from the inventory and
    // nextUpdate = now + validity, then replaces DIR/crl.pem. Needs unlock().
    CrlIssued issue_crl(std::chrono::seconds validity, Clock::time_point now = Clock::now());

private:
    Authority(Layout layout, Botan::X509_Certificate cert, db::Store store)
        : layout_(std::move(layout)), cert_(std::move(cert)), store_(std::move(store)) {}
    Issuer issuer() const;  // needs unlock()
    Issued sign_checked(const CertificateTemplate& t, Signer& signer) const;
    // Records a signed certificate; on a serial clash signs again with a fresh serial. Runs
    // inside the caller's transaction.
    Issued record_or_resign(Issued issued, const CertificateTemplate& t, Signer& signer);
    Issued sign_and_record(const CertificateTemplate& t);
    void write_issued_copy(const Issued& i) const;

    Layout layout_;
    Botan::X509_Certificate cert_;
    db::Store store_;
    std::shared_ptr<const files::FileLock> migration_lock_;  // shared; none for Sharing::Alone
    std::optional<issue::PrivateKey> key_;
};

// The inventory row for a certificate, with the derived fields (fingerprint, SANs) filled in.
db::CertificateRecord record_for(const Botan::X509_Certificate& cert, const std::string& profile);

// The way back when a recorded certificate's file could not be written: copy it out of the
// inventory of the CA in `dir`.
NextStep export_step(const fs::path& dir, const issue::Serial& serial);

}  // namespace pkitool::ca
