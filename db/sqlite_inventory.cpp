// The SQLite inventory (DIR/pkitool.db): schema migrations, prepared statements only, WAL for concurrent readers.
#include "db/sqlite_inventory.h"
#include "db/sqlite_statement.h"

#include "base/error.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>  // renameat2
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace pkitool::db {

namespace {

// Each entry migrates the schema from version i to i+1; never edit a shipped entry, append one.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE certificates (
        id INTEGER PRIMARY KEY,
        serial TEXT NOT NULL UNIQUE,          -- uppercase hex, as openssl prints it
        subject TEXT NOT NULL,                -- RFC 4514
        sans TEXT NOT NULL DEFAULT '',
        not_before INTEGER NOT NULL,          -- unix seconds
        not_after INTEGER NOT NULL,
        profile TEXT NOT NULL,
        fingerprint TEXT NOT NULL,            -- SHA-256 of the DER
        der BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revocation_reason TEXT
    );
    CREATE INDEX certificates_not_after ON certificates(not_after);
    CREATE INDEX certificates_subject ON certificates(subject COLLATE NOCASE);
    )sql",
    // v2: the cRLNumber counter (RFC 5280 §5.2.3), one row. It lives in the inventory so that it
    // keeps increasing even when DIR/crl.pem is deleted or a CRL is only written with --out.
    R"sql(
    CREATE TABLE crl_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last_number INTEGER NOT NULL
    );
    INSERT INTO crl_state (id, last_number) VALUES (1, 0);
    CREATE INDEX certificates_revoked_at ON certificates(revoked_at) WHERE revoked_at IS NOT NULL;
    )sql",
    // v3: which CA this inventory belongs to (SHA-256 of its certificate), so a copy of another
    // CA's inventory is never taken for this one's (issue #8). Filled on first open.
    R"sql(
    CREATE TABLE ca_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        certificate_sha256 TEXT NOT NULL
    );
    )sql",
    // v4: where each certificate and key were delivered, so that `db check` finds rows whose files
    // never reached the disk and `issue --batch --resume` finishes a killed batch (issue #8).
    R"sql(
    ALTER TABLE certificates ADD COLUMN cert_path TEXT;
    ALTER TABLE certificates ADD COLUMN key_path TEXT;
    CREATE INDEX certificates_cert_path ON certificates(cert_path) WHERE cert_path IS NOT NULL;
    )sql",
    // v5: counts by status without reading the rows (issue #13: `ca show` took 375 ms on a
    // million). One row per bucket of notAfter (not_after >> 16, about 18 hours; a shift is a
    // floor before 1970 too); triggers keep them in the same transaction as every change, made by
    // pkitool or by anyone else with sqlite3. Expired versus valid then costs one sum over the
    // buckets plus the few rows of the bucket that holds "now".
    R"sql(
    CREATE TABLE certificate_counts (
        bucket INTEGER PRIMARY KEY,
        unrevoked INTEGER NOT NULL,
        revoked INTEGER NOT NULL
    );
    INSERT INTO certificate_counts (bucket, unrevoked, revoked)
        SELECT not_after >> 16, SUM(revoked_at IS NULL), SUM(revoked_at IS NOT NULL) FROM certificates GROUP BY not_after >> 16;
    CREATE TRIGGER certificates_counted_insert AFTER INSERT ON certificates BEGIN
        INSERT INTO certificate_counts (bucket, unrevoked, revoked) VALUES (NEW.not_after >> 16, NEW.revoked_at IS NULL, NEW.revoked_at IS NOT NULL)
            ON CONFLICT (bucket) DO UPDATE SET unrevoked = unrevoked + excluded.unrevoked, revoked = revoked + excluded.revoked;
    END;
    CREATE TRIGGER certificates_counted_delete AFTER DELETE ON certificates BEGIN
        UPDATE certificate_counts SET unrevoked = unrevoked - (OLD.revoked_at IS NULL), revoked = revoked - (OLD.revoked_at IS NOT NULL)
            WHERE bucket = OLD.not_after >> 16;
    END;
    CREATE TRIGGER certificates_counted_update AFTER UPDATE OF not_after, revoked_at ON certificates BEGIN
        UPDATE certificate_counts SET unrevoked = unrevoked - (OLD.revoked_at IS NULL), revoked = revoked - (OLD.revoked_at IS NOT NULL)
            WHERE bucket = OLD.not_after >> 16;
        INSERT INTO certificate_counts (bucket, unrevoked, revoked) VALUES (NEW.not_after >> 16, NEW.revoked_at IS NULL, NEW.revoked_at IS NOT NULL)
            ON CONFLICT (bucket) DO UPDATE SET unrevoked = unrevoked + excluded.unrevoked, revoked = revoked + excluded.revoked;
    END;
    )sql",
    // v6: the holdInstructionCode (RFC 3280 §5.3.2) of a certificate an adopted CA had on hold, so
    // that pkitool's CRL lists it as openssl's did (issue #10).
    R"sql(
    ALTER TABLE certificates ADD COLUMN hold_instruction TEXT;
    )sql",
    // v7: the certificate that renewed each one (`renew`, issue #13); status superseded is derived
    // from it. The partial index serves `db list --status superseded` and the way back (Renews).
    R"sql(
    ALTER TABLE certificates ADD COLUMN superseded_by TEXT;
    CREATE INDEX certificates_superseded_by ON certificates(superseded_by) WHERE superseded_by IS NOT NULL;
    -- The longest lifetime bounds which rows can have used 2/3 of theirs (renewal when due) without
    -- reading every row.
    CREATE INDEX certificates_lifetime ON certificates(not_after - not_before);
    -- The counts of v5 learn superseded (unrevoked rows with a successor), so that they agree with
    -- the listing by status. No row has a successor yet, so every bucket starts at 0.
    ALTER TABLE certificate_counts ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
    DROP TRIGGER certificates_counted_insert;
    DROP TRIGGER certificates_counted_delete;
    DROP TRIGGER certificates_counted_update;
    CREATE TRIGGER certificates_counted_insert AFTER INSERT ON certificates BEGIN
        INSERT INTO certificate_counts (bucket, unrevoked, revoked, superseded)
            VALUES (NEW.not_after >> 16, NEW.revoked_at IS NULL, NEW.revoked_at IS NOT NULL, NEW.revoked_at IS NULL AND NEW.superseded_by IS NOT NULL)
            ON CONFLICT (bucket) DO UPDATE SET unrevoked = unrevoked + excluded.unrevoked, revoked = revoked + excluded.revoked,
                                               superseded = superseded + excluded.superseded;
    END;
    CREATE TRIGGER certificates_counted_delete AFTER DELETE ON certificates BEGIN
        UPDATE certificate_counts SET unrevoked = unrevoked - (OLD.revoked_at IS NULL), revoked = revoked - (OLD.revoked_at IS NOT NULL),
                                      superseded = superseded - (OLD.revoked_at IS NULL AND OLD.superseded_by IS NOT NULL)
            WHERE bucket = OLD.not_after >> 16;
    END;
    CREATE TRIGGER certificates_counted_update AFTER UPDATE OF not_after, revoked_at, superseded_by ON certificates BEGIN
        UPDATE certificate_counts SET unrevoked = unrevoked - (OLD.revoked_at IS NULL), revoked = revoked - (OLD.revoked_at IS NOT NULL),
                                      superseded = superseded - (OLD.revoked_at IS NULL AND OLD.superseded_by IS NOT NULL)
            WHERE bucket = OLD.not_after >> 16;
        INSERT INTO certificate_counts (bucket, unrevoked, revoked, superseded)
            VALUES (NEW.not_after >> 16, NEW.revoked_at IS NULL, NEW.revoked_at IS NOT NULL, NEW.revoked_at IS NULL AND NEW.superseded_by IS NOT NULL)
            ON CONFLICT (bucket) DO UPDATE SET unrevoked = unrevoked + excluded.unrevoked, revoked = revoked + excluded.revoked,
                                               superseded = superseded + excluded.superseded;
    END;
    )sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

using Statement = db::SqliteStatement;

constexpr const char* kColumns =
    "serial, subject, sans, not_before, not_after, profile, fingerprint, der, created_at, revoked_at, revocation_reason, cert_path, key_path, "
    "hold_instruction, superseded_by";
// The same for listings, NULL in place of the DER: read_row() reads both.
constexpr const char* kListColumns =
    "serial, subject, sans, not_before, not_after, profile, fingerprint, NULL, created_at, revoked_at, revocation_reason, cert_path, key_path, "
    "hold_instruction, superseded_by";
// The buckets of certificate_counts (schema v5): not_after >> 16. C++20 defines >> on negative
// numbers as SQLite computes it, a floor.
constexpr int kBucketShift = 16;

Time from_unix(int64_t s) { return Time(std::chrono::seconds(s)); }
int64_t to_unix(Time t) { return t.time_since_epoch().count(); }

// NULL or '' (rows revoked before reasons were recorded) reads as unspecified.
Reason read_reason(const Statement& s, int col) {
    const auto text = s.text(col);
    return text.empty() ? Reason::Unspecified : reason_named(text);
}

Revocation read_revocation(const Statement& s, int at, int reason, int hold) {
    Revocation r{from_unix(s.integer(at)), read_reason(s, reason)};
    if (!s.is_null(hold)) r.hold_instruction = s.text(hold);
    return r;
}

CertificateRecord read_row(const Statement& s) {
    CertificateRecord r{
        issue::Serial::parse(s.text(0)), s.text(1), s.text(2), from_unix(s.integer(3)), from_unix(s.integer(4)),
        s.text(5), s.text(6), s.blob(7), from_unix(s.integer(8)), std::nullopt};
    if (!s.is_null(9)) r.revocation = read_revocation(s, 9, 10, 13);
    if (!s.is_null(11)) r.cert_path = s.text(11);
    if (!s.is_null(12)) r.key_path = s.text(12);
    if (!s.is_null(14)) r.superseded_by = issue::Serial::parse(s.text(14));
    return r;
}

}  // namespace

std::unique_ptr<SqliteInventory> SqliteInventory::open(const std::filesystem::path& path, Store::Open mode) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (mode == Store::Open::Existing && !exists)
        throw Error(path.string() + ": no inventory database here", "is this the directory of a CA?");
    if (mode == Store::Open::CreateNew && exists) throw Error(path.string() + ": already exists");
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | (mode == Store::Open::CreateNew ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw Error(path.string() + ": cannot open database: " + why);
    }
    std::unique_ptr<SqliteInventory> owned(new SqliteInventory(db, path));
    auto& store = *owned;
    // Another pkitool process may hold the write lock briefly (batch chunks); wait rather than fail.
    sqlite3_busy_timeout(db, 5000);
    // An existing inventory without a schema was lost, not new: re-creating it would issue a CRL
    // that forgets every revocation and restarts the cRLNumber (issue #8, defect 4). Asked before
    // anything below writes to the file.
    if (mode == Store::Open::Existing && store.schema_version() == 0)
        throw Error(path.string() + ": the inventory is empty (no schema) in an existing CA directory: its rows are lost, or were in a " +
                        path.filename().string() + "-wal that is missing",
                    "restore " + path.filename().string() + " (with its -wal file, if the copy has one) from a backup of the inventory; "
                    "pkitool never re-creates an inventory");
    store.exec("PRAGMA journal_mode=WAL");
    // FULL: each commit's WAL frames reach the disk before the commit returns. "Record before
    // release" must survive a power loss too: with NORMAL, a certificate already written out could
    // lose its row, and with it the means to find and revoke it. One fdatasync per commit (per
    // chunk in a batch), measured at ~0.15 ms here.
    store.exec("PRAGMA synchronous=FULL");
    // Closing the last connection checkpoints the WAL into the database and removes it, so that
    // pkitool.db alone holds every row between runs: a copy of the CA directory that misses
    // pkitool.db-wal (cp of the visible files, a backup tool's filter) loses nothing (issue #8).
    store.exec("PRAGMA foreign_keys=ON");
    store.migrate();
    return owned;
}

SqliteInventory::SqliteInventory(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)), where_(path_.string()) {}
// sqlite3_close refuses (SQLITE_BUSY) while a prepared statement is alive: finalize it first.
SqliteInventory::~SqliteInventory() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
}

void SqliteInventory::exec(const char* sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string why = err ? err : "unknown error";
        sqlite3_free(err);
        if (why.find("locked") != std::string::npos || why.find("busy") != std::string::npos)
            throw Error(path_.string() + ": database is locked by another pkitool process", "try again when it has finished");
        throw Error(path_.string() + ": database error: " + why);
    }
}

std::optional<std::string> SqliteInventory::ca_fingerprint() const {
    Statement s(db_, "SELECT certificate_sha256 FROM ca_identity WHERE id = 1", path_.string());
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return s.text(0);
}

void SqliteInventory::set_ca_fingerprint(const std::string& sha256_hex) {
    Statement s(db_, "INSERT INTO ca_identity (id, certificate_sha256) VALUES (1, ?)", path_.string());
    s.bind(1, sha256_hex);
    if (s.step() != SQLITE_DONE) throw Error(path_.string() + ": the inventory already belongs to a CA");
}

void SqliteInventory::replace_ca_fingerprint(const std::string& from, const std::string& to) {
    Statement s(db_, "UPDATE ca_identity SET certificate_sha256 = ? WHERE id = 1 AND certificate_sha256 = ?", path_.string());
    s.bind(1, to);
    s.bind(2, from);
    if (s.step() != SQLITE_DONE || sqlite3_changes(db_) != 1) throw Error(path_.string() + ": the inventory belongs to another CA");
}

void SqliteInventory::backup(const std::filesystem::path& to) const {
    std::error_code ec;
    if (std::filesystem::exists(to, ec)) throw Error(to.string() + ": already exists", "choose a new file name");
    const auto dir = to.has_parent_path() ? to.parent_path() : std::filesystem::path(".");
    std::string tmp = (dir / ("." + to.filename().string() + ".tmpXXXXXX")).string();
    const int fd = ::mkstemp(tmp.data());  // 0600: the copy is as private as the inventory
    if (fd < 0) throw Error(to.string() + ": cannot create: " + std::strerror(errno));
    ::close(fd);
    sqlite3* dest = nullptr;
    std::string failure;
    if (sqlite3_open_v2(tmp.c_str(), &dest, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        failure = dest ? sqlite3_errmsg(dest) : "out of memory";
    } else {
        // The online backup API copies a consistent snapshot, WAL frames included, while other
        // processes keep working (https://sqlite.org/backup.html).
        sqlite3_busy_timeout(dest, 5000);
        sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_, "main");
        if (!b) {
            failure = sqlite3_errmsg(dest);
        } else {
            const int rc = sqlite3_backup_step(b, -1);
            sqlite3_backup_finish(b);
            if (rc != SQLITE_DONE) failure = sqlite3_errstr(rc);
        }
    }
    if (sqlite3_close(dest) != SQLITE_OK && failure.empty()) failure = "cannot close the copy";
    if (failure.empty() && ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0)
        failure = std::strerror(errno);
    if (!failure.empty()) {
        ::unlink(tmp.c_str());
        throw Error(to.string() + ": backup of " + path_.string() + " failed: " + failure);
    }
}

int SqliteInventory::schema_version() const {
    Statement s(db_, "PRAGMA user_version", path_.string());
    s.step();
    return static_cast<int>(s.integer(0));
}

void SqliteInventory::migrate() {
    const int have = schema_version();
    if (have > kSchemaVersion)
        throw Error(path_.string() + ": database schema version " + std::to_string(have) + " is newer than this pkitool understands",
                    "upgrade pkitool");
    if (have == kSchemaVersion) return;
    exec("BEGIN IMMEDIATE");
    try {
        for (int v = schema_version(); v < kSchemaVersion; ++v) exec(kMigrations[v]);
        exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void SqliteInventory::begin() { exec("BEGIN IMMEDIATE"); }
void SqliteInventory::commit() { exec("COMMIT"); }
void SqliteInventory::rollback() noexcept { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

bool SqliteInventory::insert(const CertificateRecord& r) {
    if (!insert_ &&
        sqlite3_prepare_v3(db_,
                           "INSERT INTO certificates (serial, subject, sans, not_before, not_after, profile, fingerprint, der, created_at, "
                           "revoked_at, revocation_reason, cert_path, key_path, hold_instruction) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                           -1, SQLITE_PREPARE_PERSISTENT, &insert_, nullptr) != SQLITE_OK)
        throw Error(path_.string() + ": database error: " + sqlite3_errmsg(db_));
    Statement s(db_, insert_, path_.string());
    s.bind(1, r.serial.hex());
    s.bind(2, r.subject);
    s.bind(3, r.sans);
    s.bind(4, to_unix(r.not_before));
    s.bind(5, to_unix(r.not_after));
    s.bind(6, r.profile);
    s.bind(7, r.fingerprint);
    s.bind(8, r.der);
    s.bind(9, to_unix(r.created_at));
    if (r.revocation) {
        s.bind(10, to_unix(r.revocation->at));
        s.bind(11, to_string(r.revocation->reason));
    } else {
        s.bind_null(10);
        s.bind_null(11);
    }
    if (r.cert_path) s.bind(12, *r.cert_path); else s.bind_null(12);
    if (r.key_path) s.bind(13, *r.key_path); else s.bind_null(13);
    if (r.revocation && r.revocation->hold_instruction) s.bind(14, *r.revocation->hold_instruction); else s.bind_null(14);
    return s.step() != SQLITE_CONSTRAINT;
}

RevokeResult SqliteInventory::revoke(const issue::Serial& serial, const Revocation& revocation) {
    // One statement, so atomic on its own; `revoked_at IS NULL` keeps the first revocation. A hold
    // (certificateHold) is the one revocation that may still become final (RFC 5280 §5.3.1).
    Statement s(db_,
                "UPDATE certificates SET revoked_at = ?2, revocation_reason = ?3, hold_instruction = NULL WHERE serial = ?1 AND"
                " (revoked_at IS NULL OR revocation_reason = 'certificateHold')",
                path_.string());
    s.bind(1, serial.hex());
    s.bind(2, to_unix(revocation.at));
    s.bind(3, to_string(revocation.reason));
    s.step();
    if (sqlite3_changes(db_) == 1) return RevokeResult::Revoked;
    return find(serial) ? RevokeResult::AlreadyRevoked : RevokeResult::NotFound;
}

std::vector<RevokedSerial> SqliteInventory::revocations() const {
    Statement s(db_,
                "SELECT serial, revoked_at, revocation_reason, hold_instruction FROM certificates WHERE revoked_at IS NOT NULL"
                " ORDER BY revoked_at, serial",
                path_.string());
    std::vector<RevokedSerial> out;
    while (s.step() == SQLITE_ROW) out.push_back(RevokedSerial{issue::Serial::parse(s.text(0)), read_revocation(s, 1, 2, 3)});
    return out;
}

uint64_t SqliteInventory::last_crl_number() const {
    Statement s(db_, "SELECT last_number FROM crl_state WHERE id = 1", path_.string());
    if (s.step() != SQLITE_ROW) throw Error(path_.string() + ": database error: the CRL number is missing");
    return static_cast<uint64_t>(s.integer(0));
}

void SqliteInventory::continue_crl_numbers_after(uint64_t last) {
    Statement s(db_, "UPDATE crl_state SET last_number = max(last_number, ?1) WHERE id = 1", path_.string());
    s.bind(1, static_cast<int64_t>(last));
    s.step();
}

uint64_t SqliteInventory::next_crl_number() {
    Statement s(db_, "UPDATE crl_state SET last_number = last_number + 1 WHERE id = 1", path_.string());
    s.step();
    if (sqlite3_changes(db_) != 1) throw Error(path_.string() + ": database error: the CRL number is missing");
    return last_crl_number();
}

std::optional<CertificateRecord> SqliteInventory::find_delivered_to(const std::string& cert_path) const {
    Statement s(db_, (std::string("SELECT ") + kColumns + " FROM certificates WHERE cert_path = ?1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 1").c_str(),
                path_.string());
    s.bind(1, cert_path);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_row(s);
}

bool SqliteInventory::set_superseded_by(const issue::Serial& old, const issue::Serial& successor) {
    Statement s(db_, "UPDATE certificates SET superseded_by = ?2 WHERE serial = ?1 AND superseded_by IS NULL", path_.string());
    s.bind(1, old.hex());
    s.bind(2, successor.hex());
    s.step();
    return sqlite3_changes(db_) == 1;
}

std::chrono::seconds SqliteInventory::longest_lifetime() const {
    Statement s(db_, "SELECT not_after - not_before FROM certificates ORDER BY not_after - not_before DESC LIMIT 1", path_.string());
    if (s.step() != SQLITE_ROW) return std::chrono::seconds(0);
    return std::chrono::seconds(s.integer(0));
}

std::optional<CertificateRecord> SqliteInventory::find_renewed_by(const issue::Serial& successor) const {
    Statement s(db_, (std::string("SELECT ") + kColumns + " FROM certificates WHERE superseded_by = ?1").c_str(), path_.string());
    s.bind(1, successor.hex());
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_row(s);
}

std::optional<CertificateRecord> SqliteInventory::find(const issue::Serial& serial) const {
    Statement s(db_, (std::string("SELECT ") + kColumns + " FROM certificates WHERE serial = ?1").c_str(), path_.string());
    s.bind(1, serial.hex());
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return read_row(s);
}

namespace {

// The SQL of a listing: only the clauses of the filters given, each one an index can serve (the
// expiry window and status by certificates_not_after; a subject by a scan of the smaller
// certificates_subject index instead of the table, whose rows hold the DER). Values are bound.
std::string list_sql(const Query& q, const char* columns) {
    std::vector<std::string> clauses;
    if (q.status) {
        switch (*q.status) {
            case Status::Revoked: clauses.emplace_back("revoked_at IS NOT NULL"); break;
            case Status::Expired: clauses.emplace_back("revoked_at IS NULL AND superseded_by IS NULL AND not_after < :now"); break;
            case Status::Valid: clauses.emplace_back("revoked_at IS NULL AND superseded_by IS NULL AND not_after >= :now"); break;
            case Status::Superseded: clauses.emplace_back("revoked_at IS NULL AND superseded_by IS NOT NULL"); break;
        }
    }
    if (q.expiring_within)
        clauses.emplace_back("revoked_at IS NULL AND superseded_by IS NULL AND not_after >= :now AND not_after <= :until");
    // LIKE folds ASCII letters only, as lower() does: the same matches as instr(lower(), lower()).
    if (q.subject_pattern) clauses.emplace_back("id IN (SELECT id FROM certificates WHERE subject LIKE :pattern ESCAPE '\\')");
    std::string sql = std::string("SELECT ") + columns + " FROM certificates";
    for (size_t i = 0; i < clauses.size(); ++i) sql += (i == 0 ? " WHERE (" : " AND (") + clauses[i] + ")";
    // Left to itself, SQLite walks certificates_not_after for its order and reads every row to
    // find the revoked ones (1.3 s on a million); "+" keeps that index out of the ORDER BY, so the
    // partial certificates_revoked_at index finds them and the few are sorted (0.14 s).
    // The same for the few superseded rows (certificates_superseded_by).
    const bool revoked = q.status == Status::Revoked || q.status == Status::Superseded;
    return sql + (revoked ? " ORDER BY +not_after, serial" : " ORDER BY not_after, serial");
}

// "%text%" with LIKE's wildcards in the text taken literally.
std::string like_substring(const std::string& text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out + "%";
}

void bind_query(Statement& s, const Query& q) {
    s.bind_if_present(":now", to_unix(q.now));
    if (q.expiring_within) s.bind_if_present(":until", to_unix(q.now) + q.expiring_within->count());
    if (q.subject_pattern) s.bind_if_present(":pattern", like_substring(*q.subject_pattern));
}

std::vector<std::string> explain(sqlite3* db, const std::string& sql, const std::string& where, const std::function<void(Statement&)>& bind) {
    Statement s(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), where);
    bind(s);
    std::vector<std::string> steps;
    while (s.step() == SQLITE_ROW) steps.push_back(s.text(3));
    return steps;
}

// valid, revoked, expired. The bucket that holds `now` is split by reading its rows (those of
// about 18 hours, through certificates_not_after); the others are summed whole.
constexpr const char* kCountsSql =
    "SELECT COALESCE((SELECT SUM(unrevoked - superseded) FROM certificate_counts WHERE bucket >= :bucket), 0) - split.n,"
    " COALESCE((SELECT SUM(revoked) FROM certificate_counts), 0),"
    " COALESCE((SELECT SUM(unrevoked - superseded) FROM certificate_counts WHERE bucket < :bucket), 0) + split.n,"
    " COALESCE((SELECT SUM(superseded) FROM certificate_counts), 0)"
    " FROM (SELECT count(*) AS n FROM certificates WHERE not_after >= :bucket_start AND not_after < :now AND revoked_at IS NULL"
    " AND superseded_by IS NULL) AS split";

void bind_counts(Statement& s, Time now) {
    const int64_t bucket = to_unix(now) >> kBucketShift;
    s.bind_if_present(":bucket", bucket);
    s.bind_if_present(":bucket_start", bucket * (int64_t{1} << kBucketShift));
    s.bind_if_present(":now", to_unix(now));
}

}  // namespace

size_t SqliteInventory::list(const Query& q, const std::function<void(const CertificateRecord&)>& each) const {
    Statement s(db_, list_sql(q, kListColumns).c_str(), path_.string());
    bind_query(s, q);
    size_t n = 0;
    while (s.step() == SQLITE_ROW) {
        each(read_row(s));
        ++n;
    }
    return n;
}

size_t SqliteInventory::each_row(const std::function<void(const CertificateRecord&)>& each) const {
    Statement s(db_, (std::string("SELECT ") + kColumns + " FROM certificates ORDER BY id").c_str(), path_.string());
    size_t n = 0;
    while (s.step() == SQLITE_ROW) {
        each(read_row(s));
        ++n;
    }
    return n;
}

std::vector<std::string> SqliteInventory::plan(const Query& q) const {
    return explain(db_, list_sql(q, kListColumns), path_.string(), [&](Statement& s) { bind_query(s, q); });
}

size_t SqliteInventory::count() const {
    Statement s(db_, "SELECT COUNT(*) FROM certificates", path_.string());
    s.step();
    return static_cast<size_t>(s.integer(0));
}

Counts SqliteInventory::counts(Time now) const {
    Statement s(db_, kCountsSql, path_.string());
    bind_counts(s, now);
    s.step();
    return Counts{static_cast<size_t>(s.integer(0)), static_cast<size_t>(s.integer(1)), static_cast<size_t>(s.integer(2)), static_cast<size_t>(s.integer(3))};
}

std::vector<std::string> SqliteInventory::counts_plan(Time now) const {
    return explain(db_, kCountsSql, path_.string(), [&](Statement& s) { bind_counts(s, now); });
}

}  // namespace pkitool::db
