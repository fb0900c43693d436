// A CA's inventory in SQLite (DIR/pkitool.db): WAL, synchronous=FULL, schema migrations on open.
#pragma once

#include "db/inventory.h"
#include "db/store.h"

#include <filesystem>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace pkitool::db {

class SqliteInventory final : public Inventory {
public:
    static std::unique_ptr<SqliteInventory> open(const std::filesystem::path& path, Store::Open mode);
    ~SqliteInventory() override;
    SqliteInventory(const SqliteInventory&) = delete;
    SqliteInventory& operator=(const SqliteInventory&) = delete;

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
    SqliteInventory(sqlite3* db, std::filesystem::path path);
    void exec(const char* sql) const;
    void migrate();
    sqlite3* db_;
    std::filesystem::path path_;
    std::string where_;
    // insert() is prepared once per connection: preparing cost more than the row itself in a batch.
    sqlite3_stmt* insert_ = nullptr;
};

}  // namespace pkitool::db
