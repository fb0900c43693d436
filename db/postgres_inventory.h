// A CA's inventory in PostgreSQL, through libpq's C API (issue #14): several CA directories, on
// several hosts, issue from one CA and share its rows. One database holds several CAs; each row
// belongs to the CA whose certificate fingerprint opened it.
#pragma once

#include "db/inventory.h"
#include "db/location.h"
#include "db/store.h"

#include <memory>

struct pg_conn;

namespace pkitool::db {

class PostgresInventory final : public Inventory {
public:
    // Connects, applies schema migrations (under an advisory lock: two hosts may start at once),
    // and finds the CA (`Existing`) or adds it (`CreateNew`). Errors, one line each: server
    // unreachable, authentication failed, database missing, schema newer than this pkitool, CA
    // not in this database (Existing), CA already in it (CreateNew). Existing never creates the
    // tables: a database without them is not this CA's.
    static std::unique_ptr<PostgresInventory> open(const PostgresDatabase& where, Store::Open mode, const std::string& ca_sha256);
    ~PostgresInventory() override;
    PostgresInventory(const PostgresInventory&) = delete;
    PostgresInventory& operator=(const PostgresInventory&) = delete;

    const std::string& where() const override { return where_; }
    void begin() override;
    void commit() override;
    void rollback() noexcept override;
    bool insert(const CertificateRecord& r) override;
    RevokeResult revoke(const issue::Serial& serial, const Revocation& revocation) override;
    std::vector<RevokedSerial> revocations() const override;
    uint64_t last_crl_number() const override;
    uint64_t next_crl_number() override;
    void continue_crl_numbers_after(uint64_t last) override;
    std::optional<CertificateRecord> find(const issue::Serial& serial) const override;
    bool set_superseded_by(const issue::Serial& old, const issue::Serial& successor) override;
    std::optional<CertificateRecord> find_renewed_by(const issue::Serial& successor) const override;
    std::chrono::seconds longest_lifetime() const override;
    std::optional<CertificateRecord> find_delivered_to(const std::string& cert_path) const override;
    size_t list(const Query& q, const std::function<void(const CertificateRecord&)>& each) const override;
    size_t each_row(const std::function<void(const CertificateRecord&)>& each) const override;
    std::vector<std::string> plan(const Query& q) const override;
    size_t count() const override;
    Counts counts(Time now) const override;
    std::vector<std::string> counts_plan(Time now) const override;
    int schema_version() const override;
    void backup(const std::filesystem::path& to) const override;
    std::optional<std::string> ca_fingerprint() const override;
    void set_ca_fingerprint(const std::string& sha256_hex) override;
    void replace_ca_fingerprint(const std::string& from, const std::string& to) override;

private:
    PostgresInventory(pg_conn* conn, std::string where);
    pg_conn* conn_;
    std::string where_;
    int64_t ca_id_ = 0;            // cas.id of the CA these rows belong to
    std::string ca_sha256_;
};

}  // namespace pkitool::db
