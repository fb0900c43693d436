// The CA inventory in SQLite (DIR/pkitool.db). The only place in pkitool that speaks SQL.
#pragma once

#include "db/record.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

struct sqlite3;

namespace pkitool::db {

struct Query {
    std::optional<Status> status;
    std::optional<std::chrono::seconds> expiring_within;  // valid and not_after <= now + window
    std::optional<std::string> subject_pattern;          // substring, case-insensitive
    Time now = std::chrono::floor<std::chrono::seconds>(Clock::now());
};

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
    bool insert(const CertificateRecord& r);
    std::optional<CertificateRecord> find(const issue::Serial& serial) const;
    std::vector<CertificateRecord> list(const Query& q) const;
    size_t count() const;

    struct Counts {
        size_t valid = 0, revoked = 0, expired = 0;
    };
    Counts counts(Time now) const;  // by derived status, without loading certificates
    int schema_version() const;

private:
    explicit Store(sqlite3* db, std::filesystem::path path);
    void exec(const char* sql) const;
    void migrate();
    sqlite3* db_;
    std::filesystem::path path_;
};

}  // namespace pkitool::db
