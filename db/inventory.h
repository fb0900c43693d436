// What a CA's inventory does, whatever holds it: SQLite (DIR/pkitool.db, sqlite_inventory.cpp) or
// PostgreSQL (postgres_inventory.cpp, issue #14). Store (store.h) is the face commands use; it
// never says which one it has. Both give the same answers: the tests run against each.
#pragma once

#include "db/query.h"
#include "db/record.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::db {

enum class RevokeResult { Revoked, NotFound, AlreadyRevoked };

struct Counts {
    size_t valid = 0, revoked = 0, expired = 0, superseded = 0;  // as Status: revoked, then superseded, then expiry
};

class Inventory {
public:
    virtual ~Inventory() = default;
    // Names the inventory in messages: the file, or the connection URL (it holds no password).
    virtual const std::string& where() const = 0;

    // One transaction at a time; rollback() never throws (it runs in destructors).
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    virtual bool insert(const CertificateRecord& r) = 0;
    virtual RevokeResult revoke(const issue::Serial& serial, const Revocation& revocation) = 0;
    virtual std::vector<RevokedSerial> revocations() const = 0;
    virtual uint64_t last_crl_number() const = 0;
    virtual uint64_t next_crl_number() = 0;
    virtual void continue_crl_numbers_after(uint64_t last) = 0;
    virtual std::optional<CertificateRecord> find(const issue::Serial& serial) const = 0;
    virtual bool set_superseded_by(const issue::Serial& old, const issue::Serial& successor) = 0;
    virtual std::optional<CertificateRecord> find_renewed_by(const issue::Serial& successor) const = 0;
    virtual std::chrono::seconds longest_lifetime() const = 0;
    virtual std::optional<CertificateRecord> find_delivered_to(const std::string& cert_path) const = 0;
    virtual size_t list(const Query& q, const std::function<void(const CertificateRecord&)>& each) const = 0;
    // Every row with its DER, in insertion order (`db migrate`, `db backup`).
    virtual size_t each_row(const std::function<void(const CertificateRecord&)>& each) const = 0;
    virtual std::vector<std::string> plan(const Query& q) const = 0;
    virtual size_t count() const = 0;
    virtual Counts counts(Time now) const = 0;
    virtual std::vector<std::string> counts_plan(Time now) const = 0;
    virtual int schema_version() const = 0;

    // A consistent copy into the new SQLite file `to` (0600), nothing left behind on failure.
    virtual void backup(const std::filesystem::path& to) const = 0;

    virtual std::optional<std::string> ca_fingerprint() const = 0;
    virtual void set_ca_fingerprint(const std::string& sha256_hex) = 0;
    virtual void replace_ca_fingerprint(const std::string& from, const std::string& to) = 0;
};

}  // namespace pkitool::db
