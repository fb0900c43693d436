// A CA's inventory, as every command sees it: the same operations on SQLite (DIR/pkitool.db, the
// default) or on PostgreSQL (several issuing hosts, issue #14). The only door to SQL in pkitool.
#pragma once

#include "db/inventory.h"
#include "db/location.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::db {

class Store {
public:
    enum class Open { CreateNew, Existing };
    // Schema migrations applied on open. Error naming the file or database on failure.
    // SQLite: CreateNew makes DIR/pkitool.db and records `ca_sha256` in it; Existing opens one
    //   (its owner checks ca_fingerprint()).
    // PostgreSQL: rows are those of the CA whose certificate has SHA-256 `ca_sha256`; CreateNew
    //   adds the CA to the database (an Error when it is there already), Existing needs it there.
    static Store open(const Location& where, Open mode, const std::string& ca_sha256);
    // An SQLite file, as before a CA is known (tests, `db backup`'s copy).
    static Store open(const std::filesystem::path& path, Open mode);

    explicit Store(std::unique_ptr<Inventory> inventory) : inventory_(std::move(inventory)) {}

    // Transactions: begin/commit; a Transaction that is destroyed without commit rolls back.
    class Transaction {
    public:
        explicit Transaction(Store& s) : store_(&s) { s.inventory_->begin(); }
        ~Transaction() {
            if (!done_) store_->inventory_->rollback();
        }
        void commit() {
            store_->inventory_->commit();
            done_ = true;
        }
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;

    private:
        Store* store_;
        bool done_ = false;
    };

    const std::string& where() const { return inventory_->where(); }
    // False when the serial is already taken (the UNIQUE constraint); Error on any other failure.
    // A record that carries a revocation is stored revoked.
    bool insert(const CertificateRecord& r) { return inventory_->insert(r); }
    // Marks a certificate revoked, once: a second revocation would rewrite its date and reason.
    RevokeResult revoke(const issue::Serial& serial, const Revocation& revocation) { return inventory_->revoke(serial, revocation); }
    // Every revoked certificate, oldest revocation first: the entries of the next CRL.
    std::vector<RevokedSerial> revocations() const { return inventory_->revocations(); }
    // RFC 5280 §5.2.3 cRLNumber: the last number used (0 before the first CRL), and the next one,
    // which is reserved as it is returned. Call next_crl_number() inside a Transaction that
    // commits once the CRL is signed, so a failed CRL does not use up a number; it holds the
    // number's row lock until then, so two hosts never sign the same number.
    uint64_t last_crl_number() const { return inventory_->last_crl_number(); }
    uint64_t next_crl_number() { return inventory_->next_crl_number(); }
    // An adopted CA's CRLs go on from `last` (never backwards: the larger number is kept).
    void continue_crl_numbers_after(uint64_t last) { inventory_->continue_crl_numbers_after(last); }
    std::optional<CertificateRecord> find(const issue::Serial& serial) const { return inventory_->find(serial); }
    // Links a renewed certificate to its successor (both recorded); call it in the Transaction
    // that inserts the successor. False when `old` is unknown or already superseded.
    bool set_superseded_by(const issue::Serial& old, const issue::Serial& successor) { return inventory_->set_superseded_by(old, successor); }
    // The certificate `successor` renewed, when it renewed one.
    std::optional<CertificateRecord> find_renewed_by(const issue::Serial& successor) const { return inventory_->find_renewed_by(successor); }
    // The longest notAfter - notBefore of any row (0 when empty), read from its index.
    std::chrono::seconds longest_lifetime() const { return inventory_->longest_lifetime(); }
    // The newest unrevoked certificate recorded as delivered to `cert_path` (absolute).
    std::optional<CertificateRecord> find_delivered_to(const std::string& cert_path) const { return inventory_->find_delivered_to(cert_path); }
    // Calls `each` with every row that matches, soonest expiry first, as the database reads them:
    // a million rows never sit in memory. Listed rows carry no DER (`der` is empty; find() reads
    // it): the DER is most of a row. Returns how many rows matched.
    size_t list(const Query& q, const std::function<void(const CertificateRecord&)>& each) const { return inventory_->list(q, each); }
    // Every row, DER included, in the order they were recorded.
    size_t each_row(const std::function<void(const CertificateRecord&)>& each) const { return inventory_->each_row(each); }
    // The database's plan for list(q), one line per step, so tests can check that each filter is
    // served by an index.
    std::vector<std::string> plan(const Query& q) const { return inventory_->plan(q); }
    size_t count() const { return inventory_->count(); }

    using Counts = db::Counts;
    // By derived status; on SQLite from per-expiry-bucket counts that triggers keep (schema v5).
    Counts counts(Time now) const { return inventory_->counts(now); }
    std::vector<std::string> counts_plan(Time now) const { return inventory_->counts_plan(now); }
    int schema_version() const { return inventory_->schema_version(); }

    // The SHA-256 (lowercase hex) of the certificate of the CA this inventory belongs to; nullopt
    // in an SQLite inventory made before it was recorded. set_ca_fingerprint() records it, once.
    std::optional<std::string> ca_fingerprint() const { return inventory_->ca_fingerprint(); }
    void set_ca_fingerprint(const std::string& sha256_hex) { inventory_->set_ca_fingerprint(sha256_hex); }
    // The CA's own certificate renewed (`ca renew`): the record moves from `from` to `to`; Error
    // when the inventory records another CA.
    void replace_ca_fingerprint(const std::string& from, const std::string& to) { inventory_->replace_ca_fingerprint(from, to); }

    // A consistent copy of the inventory into the new SQLite file `to` (0600), made while others
    // may write. Error naming the file; nothing is left behind on failure.
    void backup(const std::filesystem::path& to) const;

    Inventory& inventory() { return *inventory_; }
    const Inventory& inventory() const { return *inventory_; }

private:
    std::unique_ptr<Inventory> inventory_;
};

}  // namespace pkitool::db
