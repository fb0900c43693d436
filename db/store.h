// The CA inventory in SQLite (DIR/pkitool.db). The only place in pkitool that speaks SQL.
#pragma once

#include "db/record.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace pkitool::db {

// Filters of a listing; those not set are left out of the SQL, so that each query can use its
// index (SQLite cannot use one for a clause like "?1 IS NULL OR not_after <= ?1").
struct Query {
    std::optional<Status> status;
    std::optional<std::chrono::seconds> expiring_within;  // valid and not_after <= now + window
    std::optional<std::string> subject_pattern;          // substring, case-insensitive (ASCII letters)
    Time now = std::chrono::floor<std::chrono::seconds>(Clock::now());
};

// What revoke() did; the caller turns the failures into messages.
enum class RevokeResult { Revoked, NotFound, AlreadyRevoked };

class Store {
public:
    enum class Open { CreateNew, Existing };
    // WAL mode, schema migrations applied on open. Error naming the file on failure.
    static Store open(const std::filesystem::path& path, Open mode);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    // Transactions: begin/commit; a Transaction that is destroyed without commit rolls back.
    class Transaction {
    public:
        explicit Transaction(Store& s);
        ~Transaction();
        void commit();
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;

    private:
        Store* store_;
        bool done_ = false;
    };

    // False when the serial is already taken (the UNIQUE constraint); Error on any other failure.
    // A record that carries a revocation is stored revoked.
    bool insert(const CertificateRecord& r);
    // Marks a certificate revoked, once: a second revocation would rewrite its date and reason.
    RevokeResult revoke(const issue::Serial& serial, const Revocation& revocation);
    // Every revoked certificate, oldest revocation first: the entries of the next CRL.
    std::vector<RevokedSerial> revocations() const;
    // RFC 5280 §5.2.3 cRLNumber: the last number used (0 before the first CRL), and the next one,
    // which is reserved as it is returned. Call next_crl_number() inside a Transaction that
    // commits once the CRL is signed, so a failed CRL does not use up a number.
    uint64_t last_crl_number() const;
    uint64_t next_crl_number();
    // An adopted CA's CRLs go on from `last` (never backwards: the larger number is kept).
    void continue_crl_numbers_after(uint64_t last);
    std::optional<CertificateRecord> find(const issue::Serial& serial) const;
    // Links a renewed certificate to its successor (both recorded); call it in the Transaction
    // that inserts the successor. False when `old` is unknown or already superseded.
    bool set_superseded_by(const issue::Serial& old, const issue::Serial& successor);
    // The certificate `successor` renewed, when it renewed one.
    std::optional<CertificateRecord> find_renewed_by(const issue::Serial& successor) const;
    // The longest notAfter - notBefore of any row (0 when empty), read from its index.
    std::chrono::seconds longest_lifetime() const;
    // The newest unrevoked certificate recorded as delivered to `cert_path` (absolute).
    std::optional<CertificateRecord> find_delivered_to(const std::string& cert_path) const;
    // Calls `each` with every row that matches, soonest expiry first, as SQLite reads them: a
    // million rows never sit in memory. Listed rows carry no DER (`der` is empty; find() reads
    // it): the DER is most of a row. Returns how many rows matched.
    size_t list(const Query& q, const std::function<void(const CertificateRecord&)>& each) const;
    // SQLite's plan for list(q) (EXPLAIN QUERY PLAN, one line per step), so tests can check that
    // each filter is served by an index.
    std::vector<std::string> plan(const Query& q) const;
    size_t count() const;

    struct Counts {
        size_t valid = 0, revoked = 0, expired = 0, superseded = 0;  // as Status: revoked, then superseded, then expiry
    };
    // By derived status, from the per-expiry-bucket counts that triggers keep (schema v5): the
    // cost is the number of buckets (one per 18 hours of notAfter), not the number of rows.
    Counts counts(Time now) const;
    std::vector<std::string> counts_plan(Time now) const;  // as plan(), for counts()
    int schema_version() const;

    // The SHA-256 (lowercase hex) of the certificate of the CA this inventory belongs to; nullopt
    // in an inventory made before it was recorded. set_ca_fingerprint() records it, once.
    std::optional<std::string> ca_fingerprint() const;
    void set_ca_fingerprint(const std::string& sha256_hex);
    // The CA's own certificate renewed (`ca renew`): the record moves from `from` to `to`; Error
    // when the inventory records another CA.
    void replace_ca_fingerprint(const std::string& from, const std::string& to);

    // A consistent copy of the inventory into the new file `to` (0600), made while others may
    // write. Error naming the file; nothing is left behind on failure.
    void backup(const std::filesystem::path& to) const;

private:
    explicit Store(sqlite3* db, std::filesystem::path path);
    void exec(const char* sql) const;
    void migrate();
    sqlite3* db_;
    std::filesystem::path path_;
    // insert() is prepared once per connection: preparing cost more than the row itself in a batch.
    sqlite3_stmt* insert_ = nullptr;
};

}  // namespace pkitool::db
