// The PostgreSQL inventory (issue #14): one database, several CAs, every query scoped by the CA's
// cas.id; versioned migrations under an advisory lock; values only ever bound as parameters.
#include "db/postgres_inventory.h"

#include "db/copy.h"
#include "db/libpq.h"
#include "db/sqlite_inventory.h"

#include "base/error.h"

#include <charconv>
#include <cerrno>
#include <cstdio>  // renameat2
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pkitool::db {

namespace {

// Each entry migrates the schema from version i to i+1; never edit a shipped entry, append one.
// v1 is what SQLite's seven versions built, per CA, less the counting buckets (counts() says why).
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE cas (
        id bigserial PRIMARY KEY,
        certificate_sha256 text NOT NULL UNIQUE,    -- SHA-256 of the CA's certificate, lowercase hex
        last_crl_number bigint NOT NULL DEFAULT 0   -- RFC 5280 §5.2.3: the last one used
    );
    CREATE TABLE certificates (
        id bigserial PRIMARY KEY,
        ca_id bigint NOT NULL REFERENCES cas (id),
        -- Uppercase hex. "C": ordered byte by byte, as SQLite orders it, whatever the database's
        -- collation, so that both list in the same order.
        serial text COLLATE "C" NOT NULL,
        subject text NOT NULL,                     -- RFC 4514
        sans text NOT NULL DEFAULT '',
        not_before bigint NOT NULL,                -- unix seconds
        not_after bigint NOT NULL,
        profile text NOT NULL,
        fingerprint text NOT NULL,                 -- SHA-256 of the DER
        der bytea NOT NULL,
        created_at bigint NOT NULL,
        revoked_at bigint,
        revocation_reason text,
        cert_path text,
        key_path text,
        hold_instruction text,                     -- RFC 3280 §5.3.2, of a certificateHold
        superseded_by text COLLATE "C",            -- the serial that renewed it
        UNIQUE (ca_id, serial)
    );
    -- One per listing filter, each led by ca_id: a CA's rows never cost another CA's reads.
    -- (ca_id, id): each_row's order (a copy of a million rows, DER included, is never sorted) and count().
    CREATE INDEX certificates_ca_id ON certificates (ca_id, id);
    CREATE INDEX certificates_not_after ON certificates (ca_id, not_after, serial);
    CREATE INDEX certificates_revoked_at ON certificates (ca_id, revoked_at) WHERE revoked_at IS NOT NULL;
    CREATE INDEX certificates_cert_path ON certificates (ca_id, cert_path) WHERE cert_path IS NOT NULL;
    CREATE INDEX certificates_superseded_by ON certificates (ca_id, superseded_by) WHERE superseded_by IS NOT NULL;
    CREATE INDEX certificates_lifetime ON certificates (ca_id, (not_after - not_before));
    )sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// 'pkitool' in ASCII, as a bigint: the advisory lock two hosts starting at once take around the
// migrations, so that only one creates the tables
// (https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS).
constexpr const char* kLockMigrations = "SELECT pg_advisory_xact_lock(31643298060791660)";

constexpr const char* kInsert = "pkitool_insert";

constexpr const char* kColumns =
    "serial, subject, sans, not_before, not_after, profile, fingerprint, encode(der, 'hex'), created_at, revoked_at, revocation_reason, "
    "cert_path, key_path, hold_instruction, superseded_by";
// The same for listings, NULL in place of the DER: read_row() reads both.
constexpr const char* kListColumns =
    "serial, subject, sans, not_before, not_after, profile, fingerprint, NULL, created_at, revoked_at, revocation_reason, "
    "cert_path, key_path, hold_instruction, superseded_by";

Time from_unix(int64_t s) { return Time(std::chrono::seconds(s)); }
int64_t to_unix(Time t) { return t.time_since_epoch().count(); }

struct ClearResult {
    void operator()(PGresult* r) const { Libpq::get().clear(r); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

// The values of one statement, each bound as $1, $2, ... in the order added: text, except the
// DER, which goes in binary so that no byte of it is ever escaped.
class Params {
public:
    // Adds a value; returns its placeholder ("$3") for SQL built from the filters given.
    std::string add(std::string v, int format = 0) {
        values_.emplace_back(std::move(v));
        formats_.push_back(format);
        return "$" + std::to_string(values_.size());
    }
    std::string add(int64_t v) { return add(std::to_string(v)); }
    std::string add(const char* v) { return add(std::string(v)); }
    std::string add(const std::optional<std::string>& v) {
        if (v) return add(*v);
        values_.emplace_back(std::nullopt);
        formats_.push_back(0);
        return "$" + std::to_string(values_.size());
    }
    std::string add(const std::vector<uint8_t>& v) { return add(std::string(v.begin(), v.end()), 1); }

    int size() const { return static_cast<int>(values_.size()); }
    // A null pointer is SQL NULL; an empty DER is an empty value, never NULL.
    std::vector<const char*> pointers() const {
        std::vector<const char*> out;
        for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
        return out;
    }
    std::vector<int> lengths() const {
        std::vector<int> out;
        for (const auto& v : values_) out.push_back(v ? static_cast<int>(v->size()) : 0);
        return out;
    }
    const int* formats() const { return formats_.empty() ? nullptr : formats_.data(); }

private:
    std::vector<std::optional<std::string>> values_;
    std::vector<int> formats_;
};

std::string first_line(std::string text) {
    text = text.substr(0, text.find('\n'));
    while (!text.empty() && (text.back() == ' ' || text.back() == '.')) text.pop_back();
    return text;
}

// What a failed statement said: the server's primary message when there is one ("duplicate key
// value violates ..."), else the connection's ("server closed the connection unexpectedly"),
// and its SQLSTATE (https://www.postgresql.org/docs/15/errcodes-appendix.html).
struct Failure {
    std::string message;
    std::string sqlstate;
};

Failure failure_of(PGconn* conn, const PGresult* r) {
    const auto& pq = Libpq::get();
    Failure f;
    if (r) {
        if (const char* code = pq.resultErrorField(r, PG_DIAG_SQLSTATE)) f.sqlstate = code;
        if (const char* primary = pq.resultErrorField(r, PG_DIAG_MESSAGE_PRIMARY); primary && *primary) f.message = first_line(primary);
    }
    if (f.message.empty()) {
        std::string message = pq.errorMessage(conn);
        for (const char* severity : {"ERROR:  ", "FATAL:  "})
            if (message.rfind(severity, 0) == 0) message.erase(0, std::strlen(severity));
        f.message = first_line(message.empty() ? "unknown error" : message);
    }
    return f;
}

// A connection that broke (the server restarted, the network went) fails every later statement
// too; nothing the open transaction did is recorded.
[[noreturn]] void fail(PGconn* conn, const std::string& where, const Failure& f) {
    if (Libpq::get().status(conn) == CONNECTION_BAD)
        throw Error(where + ": lost the connection to the PostgreSQL server: " + f.message,
                    "nothing the command had not committed was recorded; run it again when the server is back");
    // lock_timeout (set in open()) ran out, or two hosts waited on each other: SQLite's busy case.
    if (f.sqlstate == "55P03" || f.sqlstate == "40P01")
        throw Error(where + ": database is locked by another pkitool process (" + f.message + ")", "try again when it has finished");
    if (f.sqlstate == "42501")  // insufficient_privilege
        throw Error(where + ": database error: " + f.message,
                    "the user needs rights on the inventory's tables, and on schema public for the first open that creates them");
    throw Error(where + ": database error: " + f.message);
}

void check(PGconn* conn, const std::string& where, const Result& r) {
    const auto status = r ? Libpq::get().resultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(conn, where, failure_of(conn, r.get()));
}

// SQL without values (the migrations, BEGIN, COMMIT): the simple protocol runs several statements.
Result exec(PGconn* conn, const std::string& where, const char* sql) {
    Result r(Libpq::get().exec(conn, sql));
    check(conn, where, r);
    return r;
}

Result exec(PGconn* conn, const std::string& where, const std::string& sql, const Params& p) {
    const auto values = p.pointers();
    const auto lengths = p.lengths();
    Result r(Libpq::get().execParams(conn, sql.c_str(), p.size(), nullptr, values.data(), lengths.data(), p.formats(), 0));
    check(conn, where, r);
    return r;
}

// One row of a result, every column in text format.
struct Row {
    const PGresult* result;
    int row;

    bool null(int col) const { return Libpq::get().getisnull(result, row, col) != 0; }
    std::string text(int col) const {
        const auto& pq = Libpq::get();
        return std::string(pq.getvalue(result, row, col), static_cast<size_t>(pq.getlength(result, row, col)));
    }
    int64_t integer(int col) const {
        const auto t = text(col);
        int64_t v = 0;
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc() || end != t.data() + t.size()) throw Error("database error: '" + t + "' is not an integer");
        return v;
    }
    // encode(der, 'hex'): lowercase hex digits, two per byte.
    std::vector<uint8_t> hex(int col) const {
        if (null(col)) return {};
        const auto t = text(col);
        auto digit = [&](char c) -> uint8_t {
            if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
            if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
            throw Error("database error: a DER column is not hex");
        };
        if (t.size() % 2) throw Error("database error: a DER column is not hex");
        std::vector<uint8_t> out(t.size() / 2);
        for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(digit(t[2 * i]) << 4 | digit(t[2 * i + 1]));
        return out;
    }
};

// NULL or '' (rows copied from an inventory revoked before reasons were recorded) reads as unspecified.
Revocation read_revocation(const Row& r, int at, int reason, int hold) {
    const auto name = r.null(reason) ? std::string() : r.text(reason);
    Revocation out{from_unix(r.integer(at)), name.empty() ? Reason::Unspecified : reason_named(name)};
    if (!r.null(hold)) out.hold_instruction = r.text(hold);
    return out;
}

// The columns of kColumns or kListColumns, in that order.
CertificateRecord read_row(const Row& r) {
    CertificateRecord out{issue::Serial::parse(r.text(0)), r.text(1), r.text(2), from_unix(r.integer(3)), from_unix(r.integer(4)),
                          r.text(5), r.text(6), r.hex(7), from_unix(r.integer(8)), std::nullopt};
    if (!r.null(9)) out.revocation = read_revocation(r, 9, 10, 13);
    if (!r.null(11)) out.cert_path = r.text(11);
    if (!r.null(12)) out.key_path = r.text(12);
    if (!r.null(14)) out.superseded_by = issue::Serial::parse(r.text(14));
    return out;
}

std::optional<CertificateRecord> one_row(const Result& r) {
    if (Libpq::get().ntuples(r.get()) == 0) return std::nullopt;
    return read_row(Row{r.get(), 0});
}

// Asks the server to stop the statement under way: a listing's reader gave up, and the rest of
// a million rows need not cross the network to be thrown away.
void cancel(PGconn* conn) {
    const auto& pq = Libpq::get();
    if (PGcancel* c = pq.getCancel(conn)) {
        char why[256];
        pq.cancel(c, why, sizeof why);
        pq.freeCancel(c);
    }
}

// Rows one at a time as the server sends them (single-row mode,
// https://www.postgresql.org/docs/15/libpq-single-row-mode.html): a million never sit in memory.
size_t stream(PGconn* conn, const std::string& where, const std::string& sql, const Params& p,
              const std::function<void(const CertificateRecord&)>& each) {
    const auto& pq = Libpq::get();
    // A cancelled statement aborts the transaction around it: inside one, the rest is read and
    // dropped instead, so that the transaction goes on as SQLite's would.
    const bool may_cancel = pq.transactionStatus(conn) == PQTRANS_IDLE;
    const auto values = p.pointers();
    const auto lengths = p.lengths();
    if (!pq.sendQueryParams(conn, sql.c_str(), p.size(), nullptr, values.data(), lengths.data(), p.formats(), 0))
        fail(conn, where, failure_of(conn, nullptr));
    pq.setSingleRowMode(conn);  // it only fails when called at the wrong time, which this is not
    size_t n = 0;
    std::exception_ptr thrown;
    std::optional<Failure> failure;
    // Every result is read, even after a failure: the connection takes no other statement before.
    while (Result r{pq.getResult(conn)}) {
        const auto status = pq.resultStatus(r.get());
        if (status == PGRES_SINGLE_TUPLE) {
            if (thrown || failure) continue;
            try {
                each(read_row(Row{r.get(), 0}));
                ++n;
            } catch (...) {
                thrown = std::current_exception();
                if (may_cancel) cancel(conn);
            }
        } else if (status != PGRES_TUPLES_OK && !failure && !thrown) {
            failure = failure_of(conn, r.get());
        }
    }
    if (thrown) std::rethrow_exception(thrown);
    if (failure) fail(conn, where, *failure);
    return n;
}

// The SQL of a listing: only the clauses of the filters given, each after ca_id so that the
// CA's part of an index serves it. Values are bound.
std::string list_sql(const Query& q, const char* columns, int64_t ca_id, Params& p) {
    std::vector<std::string> clauses{"ca_id = " + p.add(ca_id)};
    // Only the values the SQL uses are bound: PostgreSQL cannot type a parameter it never sees.
    std::string now;
    auto at_now = [&] {
        if (now.empty()) now = p.add(to_unix(q.now));
        return now;
    };
    if (q.status) {
        switch (*q.status) {
            case Status::Revoked: clauses.emplace_back("revoked_at IS NOT NULL"); break;
            case Status::Expired: clauses.emplace_back("revoked_at IS NULL AND superseded_by IS NULL AND not_after < " + at_now()); break;
            case Status::Valid: clauses.emplace_back("revoked_at IS NULL AND superseded_by IS NULL AND not_after >= " + at_now()); break;
            case Status::Superseded: clauses.emplace_back("revoked_at IS NULL AND superseded_by IS NOT NULL"); break;
        }
    }
    if (q.expiring_within)
        clauses.emplace_back("revoked_at IS NULL AND superseded_by IS NULL AND not_after >= " + at_now() + " AND not_after <= " +
                             p.add(to_unix(q.now) + q.expiring_within->count()));
    if (q.subject_pattern) {
        // SQLite's LIKE folds ASCII letters only. So does lower() under the "C" collation, where
        // ILIKE, or lower() under the database's collation (en_US.UTF-8...), also folds 'Ä' to
        // 'ä' (https://www.postgresql.org/docs/15/collation.html): both backends match alike.
        // LIKE's wildcards in the text are taken literally ('!' escapes, no backslash whose
        // meaning standard_conforming_strings would change).
        std::string pattern = "%";
        for (char c : *q.subject_pattern) {
            if (c == '%' || c == '_' || c == '!') pattern += '!';
            pattern += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
        clauses.emplace_back("lower(subject COLLATE \"C\") LIKE " + p.add(pattern + "%") + " ESCAPE '!'");
    }
    std::string sql = std::string("SELECT ") + columns + " FROM certificates";
    for (size_t i = 0; i < clauses.size(); ++i) sql += (i == 0 ? " WHERE (" : " AND (") + clauses[i] + ")";
    return sql + " ORDER BY not_after, serial";
}

// valid, revoked, expired, superseded. Unlike SQLite's buckets (schema v5 there), this reads the
// CA's rows: PostgreSQL counts a few million in well under a second, and triggers kept per
// bucket would make every insert of every host update the same few counter rows.
constexpr const char* kCountsSql =
    "SELECT count(*) FILTER (WHERE revoked_at IS NULL AND superseded_by IS NULL AND not_after >= $2),"
    " count(*) FILTER (WHERE revoked_at IS NOT NULL),"
    " count(*) FILTER (WHERE revoked_at IS NULL AND superseded_by IS NULL AND not_after < $2),"
    " count(*) FILTER (WHERE revoked_at IS NULL AND superseded_by IS NOT NULL)"
    " FROM certificates WHERE ca_id = $1";

std::vector<std::string> explain(PGconn* conn, const std::string& where, const std::string& sql, const Params& p) {
    const auto r = exec(conn, where, "EXPLAIN " + sql, p);
    std::vector<std::string> steps;
    for (int i = 0; i < Libpq::get().ntuples(r.get()); ++i) steps.push_back(Row{r.get(), i}.text(0));
    return steps;
}

// libpq's message for a failed connection, first line: 'connection to server on socket "..."
// failed: FATAL:  database "x" does not exist'. Classified by its words, which are English
// unless the client or server runs in another language; anything else is shown as it is.
[[noreturn]] void connect_failed(const std::string& where, const std::string& message) {
    const std::string line = first_line(message);
    std::string detail = line;
    if (const auto at = detail.find(" failed: "); at != std::string::npos) detail.erase(0, at + 9);
    if (detail.rfind("FATAL:  ", 0) == 0) detail.erase(0, 8);
    auto has = [&](const char* words) { return line.find(words) != std::string::npos; };
    if (has("database \"") && has("does not exist")) {
        const auto open = detail.find('"');
        const auto close = detail.find('"', open + 1);
        const auto name = detail.substr(open + 1, close - open - 1);
        throw Error(where + ": " + detail, "create it first (createdb " + name + ", as a user allowed to create databases), or correct the database name");
    }
    if (has("authentication failed") || has("no password supplied") || has("role \"") || has("pg_hba.conf"))
        throw Error(where + ": the PostgreSQL server refused the login: " + detail,
                    "check the user name, its password (in ~/.pgpass, PGPASSFILE or PGPASSWORD) and the server's pg_hba.conf");
    if (has("Connection refused") || has("No such file or directory") || has("could not translate host name") || has("timeout expired") ||
        has("Network is unreachable") || has("No route to host") || has("Is the server running"))
        throw Error(where + ": cannot reach the PostgreSQL server: " + line, "is the server running, and are its host and port right?");
    throw Error(where + ": cannot connect to the PostgreSQL server: " + line);
}

}  // namespace

std::unique_ptr<PostgresInventory> PostgresInventory::open(const PostgresDatabase& where, Store::Open mode, const std::string& ca_sha256) {
    const auto& pq = Libpq::get();
    const std::string& name = where.conninfo();
    // Bounded waits unless the connection string sets its own (its settings come after, and win):
    // an unreachable host fails in 10 s, not the kernel's two minutes, and a dead peer mid-query
    // in about a minute, not TCP keepalive's two hours (libpq §34.1.2). Never recorded.
    const char* const keywords[] = {"connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "dbname", nullptr};
    const char* const values[] = {"10", "30", "10", "3", "60000", name.c_str(), nullptr};
    PGconn* conn = pq.connectdbParams(keywords, values, 1);
    if (!conn) throw Error(name + ": cannot connect to the PostgreSQL server: out of memory");
    if (pq.status(conn) != CONNECTION_OK) {
        const std::string message = pq.errorMessage(conn);
        pq.finish(conn);
        connect_failed(name, message);
    }
    // Notices ("relation already exists, skipping") would go to stderr, amid a command's output.
    pq.setNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    std::unique_ptr<PostgresInventory> owned(new PostgresInventory(conn, name));
    auto& inv = *owned;
    inv.ca_sha256_ = ca_sha256;
    // Subjects and paths are UTF-8, whatever the client's locale says. A host that holds a lock
    // for long (the CRL number's row, while it signs) makes the others fail after a minute, as
    // SQLite's busy timeout does, rather than wait for ever; unless the connection string or the
    // server set a lock_timeout of its own (options=-c lock_timeout=...).
    exec(conn, name, "SET client_encoding TO 'UTF8'; SELECT set_config('lock_timeout', '60s', false) WHERE current_setting('lock_timeout') = '0'");
    // Record before release: a COMMIT must be on disk before a certificate leaves, as SQLite's
    // synchronous=FULL makes it. A role or database set to synchronous_commit=off would not.
    exec(conn, name, "SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off'");

    exec(conn, name, "BEGIN");
    try {
        exec(conn, name, kLockMigrations);
        const int have = inv.schema_version();
        if (have > kSchemaVersion)
            throw Error(name + ": database schema version " + std::to_string(have) + " is newer than this pkitool understands", "upgrade pkitool");
        const std::string no_inventory =
            name + " holds no inventory of this CA (certificate SHA-256 " + ca_sha256.substr(0, 16) + "…)";
        const std::string no_inventory_hint =
            "is this the database the CA directory was set up with? If the CA's certificate was renewed from another directory, "
            "copy that directory's new ca.crt (and chain.pem) here";
        // An existing CA's database without the tables is the wrong database (or one whose tables
        // were dropped): making empty ones would give a CRL that forgets every revocation.
        if (have == 0 && mode == Store::Open::Existing) throw Error(no_inventory, no_inventory_hint);
        if (have < kSchemaVersion) {
            if (have == 0) exec(conn, name, "CREATE TABLE pkitool_schema (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL); "
                                             "INSERT INTO pkitool_schema (id, version) VALUES (1, 0)");
            for (int v = have; v < kSchemaVersion; ++v) exec(conn, name, kMigrations[v]);
            Params p;
            p.add(int64_t{kSchemaVersion});
            exec(conn, name, "UPDATE pkitool_schema SET version = $1 WHERE id = 1", p);
        }
        Params p;
        p.add(ca_sha256);
        if (mode == Store::Open::CreateNew) {
            const auto r = exec(conn, name, "INSERT INTO cas (certificate_sha256) VALUES ($1) ON CONFLICT (certificate_sha256) DO NOTHING RETURNING id", p);
            if (pq.ntuples(r.get()) == 1) {
                inv.ca_id_ = Row{r.get(), 0}.integer(0);
            } else {
                // The CA is there: taken over when it has nothing yet (a `ca init` or `ca import` that
                // failed after adding it, and is run again), refused when it has rows or a CRL.
                const auto empty = exec(conn, name,
                                        "SELECT id FROM cas c WHERE certificate_sha256 = $1 AND last_crl_number = 0 AND"
                                        " NOT EXISTS (SELECT 1 FROM certificates WHERE ca_id = c.id) FOR UPDATE",
                                        p);
                if (pq.ntuples(empty.get()) != 1)
                    throw Error("this CA's inventory is already in " + name, "open it as the inventory of the existing CA, or use another database");
                inv.ca_id_ = Row{empty.get(), 0}.integer(0);
            }
        } else {
            const auto r = exec(conn, name, "SELECT id FROM cas WHERE certificate_sha256 = $1", p);
            if (pq.ntuples(r.get()) != 1) throw Error(no_inventory, no_inventory_hint);
            inv.ca_id_ = Row{r.get(), 0}.integer(0);
        }
        exec(conn, name, "COMMIT");
    } catch (...) {
        inv.rollback();
        throw;
    }
    // Prepared once per connection: batches insert thousands of rows.
    Result prepared(pq.prepare(conn, kInsert,
                               "INSERT INTO certificates (ca_id, serial, subject, sans, not_before, not_after, profile, fingerprint, der, "
                               "created_at, revoked_at, revocation_reason, cert_path, key_path, hold_instruction) "
                               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (ca_id, serial) DO NOTHING",
                               15, nullptr));
    check(conn, name, prepared);
    return owned;
}

PostgresInventory::PostgresInventory(pg_conn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}
PostgresInventory::~PostgresInventory() { Libpq::get().finish(conn_); }

int PostgresInventory::schema_version() const {
    const auto r = exec(conn_, where_, "SELECT to_regclass('pkitool_schema') IS NOT NULL", Params{});
    if (Row{r.get(), 0}.text(0) != "t") return 0;
    const auto v = exec(conn_, where_, "SELECT version FROM pkitool_schema WHERE id = 1", Params{});
    return Libpq::get().ntuples(v.get()) == 1 ? static_cast<int>(Row{v.get(), 0}.integer(0)) : 0;
}

void PostgresInventory::begin() {
    // As SQLite does: one transaction at a time (PostgreSQL would only warn, and go on in the first).
    if (Libpq::get().transactionStatus(conn_) != PQTRANS_IDLE && Libpq::get().status(conn_) == CONNECTION_OK)
        throw Error(where_ + ": database error: a transaction is already open");
    exec(conn_, where_, "BEGIN");
}

void PostgresInventory::commit() {
    const auto& pq = Libpq::get();
    // COMMIT of a transaction a failed statement aborted answers "ROLLBACK" and succeeds: say so.
    if (pq.transactionStatus(conn_) == PQTRANS_INERROR) {
        rollback();
        throw Error(where_ + ": database error: a statement of the transaction failed, so none of it was recorded");
    }
    if (pq.transactionStatus(conn_) == PQTRANS_IDLE) throw Error(where_ + ": database error: no transaction to commit");
    if (pq.status(conn_) == CONNECTION_BAD)
        throw Error(where_ + ": lost the connection to the PostgreSQL server: " + failure_of(conn_, nullptr).message + "; nothing of the transaction was recorded",
                    "run the command again when the server is back");
    Result r(pq.exec(conn_, "COMMIT"));
    const auto status = r ? pq.resultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK) return;
    if (pq.status(conn_) == CONNECTION_BAD)
        // The COMMIT may have reached the server before the connection broke.
        throw Error(where_ + ": lost the connection to the PostgreSQL server while committing: " + failure_of(conn_, r.get()).message +
                        "; whether the transaction was recorded is unknown",
                    "look the certificates up in the inventory before running the command again");
    fail(conn_, where_, failure_of(conn_, r.get()));
}

void PostgresInventory::rollback() noexcept {
    try {
        const auto& pq = Libpq::get();
        if (pq.status(conn_) != CONNECTION_OK || pq.transactionStatus(conn_) == PQTRANS_IDLE) return;
        pq.clear(pq.exec(conn_, "ROLLBACK"));
    } catch (...) {
    }
}

bool PostgresInventory::insert(const CertificateRecord& r) {
    Params p;
    p.add(ca_id_);
    p.add(r.serial.hex());
    p.add(r.subject);
    p.add(r.sans);
    p.add(to_unix(r.not_before));
    p.add(to_unix(r.not_after));
    p.add(r.profile);
    p.add(r.fingerprint);
    p.add(r.der);
    p.add(to_unix(r.created_at));
    if (r.revocation) {
        p.add(to_unix(r.revocation->at));
        p.add(to_string(r.revocation->reason));
    } else {
        p.add(std::optional<std::string>());
        p.add(std::optional<std::string>());
    }
    p.add(r.cert_path);
    p.add(r.key_path);
    p.add(r.revocation ? r.revocation->hold_instruction : std::nullopt);
    const auto& pq = Libpq::get();
    const auto values = p.pointers();
    const auto lengths = p.lengths();
    Result res(pq.execPrepared(conn_, kInsert, p.size(), values.data(), lengths.data(), p.formats(), 0));
    check(conn_, where_, res);
    // ON CONFLICT DO NOTHING: a taken serial inserts no row, and the transaction goes on (a
    // unique violation would abort it, and every statement after it).
    return std::string(pq.cmdTuples(res.get())) == "1";
}

RevokeResult PostgresInventory::revoke(const issue::Serial& serial, const Revocation& revocation) {
    // One statement, so atomic on its own; `revoked_at IS NULL` keeps the first revocation, also
    // against another host's at the same moment (READ COMMITTED re-checks the row it waited
    // for). A hold (certificateHold) is the one revocation that may still become final (RFC 5280 §5.3.1).
    Params p;
    p.add(ca_id_);
    p.add(serial.hex());
    p.add(to_unix(revocation.at));
    p.add(to_string(revocation.reason));
    const auto r = exec(conn_, where_,
                        "UPDATE certificates SET revoked_at = $3, revocation_reason = $4, hold_instruction = NULL WHERE ca_id = $1 AND serial = $2"
                        " AND (revoked_at IS NULL OR revocation_reason = 'certificateHold')",
                        p);
    if (std::string(Libpq::get().cmdTuples(r.get())) == "1") return RevokeResult::Revoked;
    return find(serial) ? RevokeResult::AlreadyRevoked : RevokeResult::NotFound;
}

std::vector<RevokedSerial> PostgresInventory::revocations() const {
    Params p;
    p.add(ca_id_);
    const auto r = exec(conn_, where_,
                        "SELECT serial, revoked_at, revocation_reason, hold_instruction FROM certificates WHERE ca_id = $1 AND revoked_at IS NOT NULL"
                        " ORDER BY revoked_at, serial",
                        p);
    std::vector<RevokedSerial> out;
    for (int i = 0; i < Libpq::get().ntuples(r.get()); ++i) {
        const Row row{r.get(), i};
        out.push_back(RevokedSerial{issue::Serial::parse(row.text(0)), read_revocation(row, 1, 2, 3)});
    }
    return out;
}

uint64_t PostgresInventory::last_crl_number() const {
    Params p;
    p.add(ca_id_);
    const auto r = exec(conn_, where_, "SELECT last_crl_number FROM cas WHERE id = $1", p);
    if (Libpq::get().ntuples(r.get()) != 1) throw Error(where_ + ": database error: the CRL number is missing");
    return static_cast<uint64_t>(Row{r.get(), 0}.integer(0));
}

uint64_t PostgresInventory::next_crl_number() {
    // One statement that reads and writes: its row lock, held until the caller's transaction ends,
    // makes a second host wait and then get the next number (never read, then write).
    Params p;
    p.add(ca_id_);
    const auto r = exec(conn_, where_, "UPDATE cas SET last_crl_number = last_crl_number + 1 WHERE id = $1 RETURNING last_crl_number", p);
    if (Libpq::get().ntuples(r.get()) != 1) throw Error(where_ + ": database error: the CRL number is missing");
    return static_cast<uint64_t>(Row{r.get(), 0}.integer(0));
}

void PostgresInventory::continue_crl_numbers_after(uint64_t last) {
    Params p;
    p.add(ca_id_);
    p.add(static_cast<int64_t>(last));
    exec(conn_, where_, "UPDATE cas SET last_crl_number = GREATEST(last_crl_number, $2) WHERE id = $1", p);
}

std::optional<CertificateRecord> PostgresInventory::find(const issue::Serial& serial) const {
    Params p;
    p.add(ca_id_);
    p.add(serial.hex());
    return one_row(exec(conn_, where_, std::string("SELECT ") + kColumns + " FROM certificates WHERE ca_id = $1 AND serial = $2", p));
}

bool PostgresInventory::set_superseded_by(const issue::Serial& old, const issue::Serial& successor) {
    Params p;
    p.add(ca_id_);
    p.add(old.hex());
    p.add(successor.hex());
    const auto r = exec(conn_, where_, "UPDATE certificates SET superseded_by = $3 WHERE ca_id = $1 AND serial = $2 AND superseded_by IS NULL", p);
    return std::string(Libpq::get().cmdTuples(r.get())) == "1";
}

std::optional<CertificateRecord> PostgresInventory::find_renewed_by(const issue::Serial& successor) const {
    Params p;
    p.add(ca_id_);
    p.add(successor.hex());
    return one_row(exec(conn_, where_, std::string("SELECT ") + kColumns + " FROM certificates WHERE ca_id = $1 AND superseded_by = $2", p));
}

std::chrono::seconds PostgresInventory::longest_lifetime() const {
    Params p;
    p.add(ca_id_);
    const auto r = exec(conn_, where_, "SELECT not_after - not_before FROM certificates WHERE ca_id = $1 ORDER BY not_after - not_before DESC LIMIT 1", p);
    if (Libpq::get().ntuples(r.get()) == 0) return std::chrono::seconds(0);
    return std::chrono::seconds(Row{r.get(), 0}.integer(0));
}

std::optional<CertificateRecord> PostgresInventory::find_delivered_to(const std::string& cert_path) const {
    Params p;
    p.add(ca_id_);
    p.add(cert_path);
    return one_row(exec(conn_, where_,
                        std::string("SELECT ") + kColumns + " FROM certificates WHERE ca_id = $1 AND cert_path = $2 AND revoked_at IS NULL ORDER BY id DESC LIMIT 1",
                        p));
}

size_t PostgresInventory::list(const Query& q, const std::function<void(const CertificateRecord&)>& each) const {
    Params p;
    const auto sql = list_sql(q, kListColumns, ca_id_, p);
    return stream(conn_, where_, sql, p, each);
}

size_t PostgresInventory::each_row(const std::function<void(const CertificateRecord&)>& each) const {
    Params p;
    p.add(ca_id_);
    return stream(conn_, where_, std::string("SELECT ") + kColumns + " FROM certificates WHERE ca_id = $1 ORDER BY id", p, each);
}

std::vector<std::string> PostgresInventory::plan(const Query& q) const {
    Params p;
    const auto sql = list_sql(q, kListColumns, ca_id_, p);
    return explain(conn_, where_, sql, p);
}

size_t PostgresInventory::count() const {
    Params p;
    p.add(ca_id_);
    const auto r = exec(conn_, where_, "SELECT count(*) FROM certificates WHERE ca_id = $1", p);
    return static_cast<size_t>(Row{r.get(), 0}.integer(0));
}

Counts PostgresInventory::counts(Time now) const {
    Params p;
    p.add(ca_id_);
    p.add(to_unix(now));
    const auto r = exec(conn_, where_, kCountsSql, p);
    const Row row{r.get(), 0};
    return Counts{static_cast<size_t>(row.integer(0)), static_cast<size_t>(row.integer(1)), static_cast<size_t>(row.integer(2)),
                  static_cast<size_t>(row.integer(3))};
}

std::vector<std::string> PostgresInventory::counts_plan(Time now) const {
    Params p;
    p.add(ca_id_);
    p.add(to_unix(now));
    return explain(conn_, where_, kCountsSql, p);
}

std::optional<std::string> PostgresInventory::ca_fingerprint() const { return ca_sha256_; }

void PostgresInventory::set_ca_fingerprint(const std::string& sha256_hex) {
    // The CA is known from open(), which found or added its row: only the same CA agrees.
    if (sha256_hex != ca_sha256_) throw Error(where_ + ": the inventory already belongs to a CA");
}

void PostgresInventory::replace_ca_fingerprint(const std::string& from, const std::string& to) {
    if (from != ca_sha256_) throw Error(where_ + ": the inventory belongs to another CA");
    Params p;
    p.add(ca_id_);
    p.add(from);
    p.add(to);
    const auto r = exec(conn_, where_, "UPDATE cas SET certificate_sha256 = $3 WHERE id = $1 AND certificate_sha256 = $2", p);
    if (std::string(Libpq::get().cmdTuples(r.get())) != "1") throw Error(where_ + ": the inventory belongs to another CA");
    ca_sha256_ = to;
}

void PostgresInventory::backup(const std::filesystem::path& to) const {
    std::error_code ec;
    if (std::filesystem::exists(to, ec)) throw Error(to.string() + ": already exists", "choose a new file name");
    const auto dir = to.has_parent_path() ? to.parent_path() : std::filesystem::path(".");
    // A private directory beside `to` (0700) holds the copy until it is whole: SQLite makes its
    // file, and its -wal while it writes, under names of its own.
    std::string tmp = (dir / ("." + to.filename().string() + ".tmpXXXXXX")).string();
    if (!::mkdtemp(tmp.data())) throw Error(to.string() + ": cannot create: " + std::strerror(errno));
    const auto file = std::filesystem::path(tmp) / "pkitool.db";
    std::string failure;
    const auto& pq = Libpq::get();
    // One snapshot for the rows and the cRLNumber, as SQLite's backup API copies one: hosts may
    // be issuing meanwhile (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-REPEATABLE-READ).
    const bool own_snapshot = pq.transactionStatus(conn_) == PQTRANS_IDLE;
    try {
        if (own_snapshot) exec(conn_, where_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        {
            auto copy = SqliteInventory::open(file, Store::Open::CreateNew);
            if (::chmod(file.c_str(), 0600) != 0) throw Error(std::strerror(errno));
            copy->set_ca_fingerprint(ca_sha256_);
            copy_inventory(*this, *copy);
        }  // closed: SQLite folds its -wal into the file and removes it
        if (own_snapshot) exec(conn_, where_, "COMMIT");
        if (::renameat2(AT_FDCWD, file.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) failure = std::strerror(errno);
    } catch (const Error& e) {
        failure = e.what();
    } catch (const std::exception& e) {
        failure = e.what();
    }
    if (own_snapshot && pq.transactionStatus(conn_) != PQTRANS_IDLE) pq.clear(pq.exec(conn_, "ROLLBACK"));
    std::filesystem::remove_all(tmp, ec);
    if (!failure.empty()) throw Error(to.string() + ": backup of " + where_ + " failed: " + failure);
}

}  // namespace pkitool::db
