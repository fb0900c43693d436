// A certificate authority living in a directory (layout in shared/cli.md): create, open, issue.
#pragma once

#include "ca/certificate_template.h"
#include "db/store.h"
#include "issue/key.h"

#include <filesystem>
#include <functional>
#include <optional>

namespace pkitool::ca {

namespace fs = std::filesystem;

// DIR/ca.crt, DIR/private/ca.key, DIR/pkitool.db, DIR/certs/SERIAL.pem, DIR/crl.pem, DIR/chain.pem.
struct Layout {
    fs::path dir;
    fs::path certificate() const { return dir / "ca.crt"; }
    fs::path private_dir() const { return dir / "private"; }
    fs::path key() const { return private_dir() / "ca.key"; }
    fs::path database() const { return dir / "pkitool.db"; }
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
    issue::Passphrase passphrase;  // encrypts DIR/private/ca.key when set
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
};

class Authority {
public:
    // Creates DIR (refusing an existing, non-empty one), the key, the self-signed certificate
    // and the inventory. On failure nothing is left behind.
    static void init_root(const RootRequest& req);

    // Reads ca.crt and opens the inventory; the key is read only by unlock().
    static Authority open(const fs::path& dir);

    // Loads DIR/private/ca.key and checks that it matches ca.crt.
    void unlock(const issue::Passphrase& passphrase);

    const Layout& layout() const { return layout_; }
    const Botan::X509_Certificate& certificate() const { return cert_; }
    db::Store& store() { return store_; }

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
    // `on_progress(done, total)` is called after each chunk.
    std::vector<Issued> issue_many(const std::vector<CertificateTemplate>& templates,
                                   const std::function<void(size_t, size_t)>& on_progress = {});

private:
    Authority(Layout layout, Botan::X509_Certificate cert, db::Store store)
        : layout_(std::move(layout)), cert_(std::move(cert)), store_(std::move(store)) {}
    Issuer issuer() const;  // needs unlock()
    Issued sign_checked(const CertificateTemplate& t, Signer& signer) const;
    void write_issued_copy(const Issued& i) const;

    Layout layout_;
    Botan::X509_Certificate cert_;
    db::Store store_;
    std::optional<issue::PrivateKey> key_;
};

// The inventory row for a certificate, with the derived fields (fingerprint, SANs) filled in.
db::CertificateRecord record_for(const Botan::X509_Certificate& cert, const std::string& profile);

}  // namespace pkitool::ca
