// The PostgreSQL inventory against a real server (issue #14): the same answers as SQLite's for
// the same rows (the oracle, with psql's view of the stored rows), CAs kept apart in one
// database, CRL numbers distinct across connections, open errors, a connection lost mid-way.
//
// The server: the test process's (tests/support/postgres.h: the one CI starts, or a private one);
// each test makes its own database on it.
#include "db/postgres_inventory.h"
#include "db/sqlite_inventory.h"
#include "db/store.h"
#include "base/error.h"
#include "tests/support/cli.h"
#include "tests/support/postgres.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

using namespace pkitool;
using namespace std::chrono;

namespace {

constexpr const char* kPsql = "/usr/lib/postgresql/15/bin/psql";
const std::string kCa1(64, 'a');
const std::string kCa2(64, 'b');

// The admin database's URL: its user may CREATE DATABASE.
std::string admin_url() { return test::shared_postgres().url("postgres"); }

// The URL with another database: postgresql://[authority]/DB[?params].
std::string with_database(const std::string& url, const std::string& db) {
    const auto scheme = url.find("://");
    REQUIRE(scheme != std::string::npos);
    const auto slash = url.find('/', scheme + 3);
    const auto query = url.find('?', scheme + 3);
    const auto authority_end = std::min(slash, query);
    const std::string params = query == std::string::npos ? "" : url.substr(query);
    return url.substr(0, authority_end) + "/" + db + params;
}

// The URL with user=`user` in place of its own.
std::string with_user(const std::string& url, const std::string& user) {
    const auto query = url.find('?');
    if (query == std::string::npos) return url + "?user=" + user;
    std::string out = url.substr(0, query + 1);
    std::string rest = url.substr(query + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto param = rest.substr(0, amp);
        if (param.rfind("user=", 0) != 0) out += param + "&";
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
    }
    return out + "user=" + user;
}

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// psql, the independent client: the SQL's unaligned, tuples-only output, trailing newline removed.
std::string psql(const std::string& url, const std::string& sql) {
    test::TempDir t;
    const auto r = test::shell(std::string(kPsql) + " -X -v ON_ERROR_STOP=1 -Atq " + quote(url) + " -c " + quote(sql), t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// A fresh database on the admin URL's server, dropped at the end of the test.
class Database {
public:
    explicit Database(const std::string& admin) : admin_(admin) {
        static std::mt19937_64 rng{std::random_device{}()};
        name_ = "pkitool_test_" + std::to_string(rng() % 1000000000000ULL);
        psql(admin_, "CREATE DATABASE " + name_);
        url_ = with_database(admin_, name_);
    }
    ~Database() {
        test::TempDir t;
        test::shell(std::string(kPsql) + " -X -Atq " + quote(admin_) + " -c " + quote("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"), t.path());
    }
    const std::string& url() const { return url_; }
    db::PostgresDatabase where() const { return db::PostgresDatabase::parse(url_); }
    std::unique_ptr<db::PostgresInventory> open(db::Store::Open mode, const std::string& ca = kCa1) const {
        return db::PostgresInventory::open(where(), mode, ca);
    }
    std::string sql(const std::string& q) const { return psql(url_, q); }

private:
    std::string admin_, name_, url_;
};

#define POSTGRES_OR_SKIP(admin) const auto admin = std::optional<std::string>(admin_url());

db::Time now_s() { return floor<seconds>(system_clock::now()); }

db::CertificateRecord row(const std::string& serial_hex, const std::string& subject, db::Time not_after, seconds lifetime = days(365)) {
    // Every byte value, NUL and 0xff among them: the DER must come back as it went in.
    std::vector<uint8_t> der;
    for (int i = 0; i < 256; ++i) der.push_back(static_cast<uint8_t>((i * 7 + serial_hex.size()) & 0xff));
    return db::CertificateRecord{issue::Serial::parse(serial_hex), subject, "dns:" + serial_hex + ".example", not_after - lifetime, not_after,
                                 "server", std::string(64, 'f'), der, not_after - lifetime, std::nullopt};
}

std::vector<db::CertificateRecord> listed(const db::Inventory& s, const db::Query& q) {
    std::vector<db::CertificateRecord> out;
    const auto n = s.list(q, [&](const db::CertificateRecord& r) { out.push_back(r); });
    CHECK(n == out.size());
    return out;
}

// Every field, as text: two backends agree when these are equal.
std::string describe(const db::CertificateRecord& r) {
    std::string s = r.serial.hex() + "|" + r.subject + "|" + r.sans + "|" + std::to_string(r.not_before.time_since_epoch().count()) + "|" +
                    std::to_string(r.not_after.time_since_epoch().count()) + "|" + r.profile + "|" + r.fingerprint + "|der" +
                    std::to_string(r.der.size()) + "|" + std::to_string(r.created_at.time_since_epoch().count());
    if (r.revocation)
        s += "|revoked " + std::to_string(r.revocation->at.time_since_epoch().count()) + " " + db::to_string(r.revocation->reason) + " " +
             r.revocation->hold_instruction.value_or("-");
    s += "|" + r.cert_path.value_or("-") + "|" + r.key_path.value_or("-") + "|" + (r.superseded_by ? r.superseded_by->hex() : "-");
    return s;
}

std::vector<std::string> described(const std::vector<db::CertificateRecord>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(describe(r));
    return out;
}

// The serial of fill()'s row i: not in the order of the rows, so that an order by serial is not
// the order of insertion.
issue::Serial serial_at(int i) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04X", 0x100 + (i * 7919) % 4093);
    return issue::Serial::parse(hex);
}

// The same rows, revocations, renewals and CRL numbers into any inventory.
void fill(db::Inventory& s, db::Time now) {
    const std::vector<std::string> subjects = {"CN=alpha,O=Example", "CN=ALPHA2,O=example", "CN=Äpfel,O=Obst", "CN=äpfel,O=Obst",
                                               "CN=100%,O=Percent", "CN=under_score", "CN=bang!,O=x",   "CN=back\\slash",
                                               "CN=' OR 1=1 --",    "CN=plain"};
    s.begin();
    for (int i = 0; i < 60; ++i) {
        // Some share a notAfter, so the order by serial is tested too.
        auto r = row(serial_at(i).hex(), subjects[i % subjects.size()], now + days((i % 13) * 9 - 40), days(30 + (i % 5) * 100));
        if (i % 4 == 0) r.cert_path = "/srv/cert" + std::to_string(i % 8) + ".pem";
        if (i % 6 == 0) r.key_path = "/srv/key" + std::to_string(i) + ".pem";
        if (i % 11 == 5) r.revocation = db::Revocation{now - days(i), db::Reason::CertificateHold, std::string("1.2.840.10040.2.2")};
        if (i % 10 == 7) r.revocation = db::Revocation{now - days(i), db::Reason::KeyCompromise};
        if (i == 3) r.der.clear(), r.fingerprint.clear(), r.sans.clear();  // recorded from an index line alone
        REQUIRE(s.insert(r));
    }
    s.commit();
    const auto at = serial_at;
    CHECK(s.revoke(at(2), db::Revocation{now - days(3), db::Reason::Superseded}) == db::RevokeResult::Revoked);
    CHECK(s.revoke(at(5), db::Revocation{now - days(2), db::Reason::CaCompromise}) == db::RevokeResult::Revoked);  // a hold made final
    CHECK(s.revoke(at(7), db::Revocation{now, db::Reason::Unspecified}) == db::RevokeResult::AlreadyRevoked);
    CHECK(s.revoke(issue::Serial::parse("FFFFFF"), db::Revocation{now, db::Reason::Unspecified}) == db::RevokeResult::NotFound);
    CHECK(s.set_superseded_by(at(8), at(9)));
    CHECK(s.set_superseded_by(at(12), at(13)));
    CHECK(s.set_superseded_by(at(14), at(15)));
    CHECK_FALSE(s.set_superseded_by(at(8), at(10)));  // already superseded
    CHECK(s.set_superseded_by(at(17), at(18)));       // revoked and superseded: revoked wins
    s.continue_crl_numbers_after(41);
}

std::vector<db::Query> queries(db::Time now) {
    std::vector<db::Query> out;
    db::Query all;
    all.now = now;
    out.push_back(all);
    for (auto st : {db::Status::Valid, db::Status::Revoked, db::Status::Expired, db::Status::Superseded}) {
        auto q = all;
        q.status = st;
        out.push_back(q);
    }
    for (auto window : {days(0), days(10), days(30), days(400)}) {
        auto q = all;
        q.expiring_within = window;
        out.push_back(q);
    }
    for (const char* pattern : {"alpha", "EXAMPLE", "äpfel", "Äpfel", "ÄPFEL", "pfel", "%", "100%", "_", "under_", "!", "bang!", "\\", "' or 1=1",
                                "o=", "", "nomatch"}) {
        auto q = all;
        q.subject_pattern = pattern;
        out.push_back(q);
        q.status = db::Status::Valid;
        out.push_back(q);
        q.status.reset();
        q.expiring_within = days(30);
        out.push_back(q);
    }
    return out;
}

std::string query_name(const db::Query& q) {
    return std::string("status ") + (q.status ? db::to_string(*q.status) : "-") + ", within " +
           (q.expiring_within ? std::to_string(q.expiring_within->count()) : "-") + ", subject " + q.subject_pattern.value_or("-");
}

}  // namespace

TEST_CASE("postgres: insert and find, a taken serial is refused inside a transaction that still commits", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto s = d.open(db::Store::Open::CreateNew);
    CHECK(s->schema_version() >= 1);
    const auto now = now_s();
    s->begin();
    CHECK(s->insert(row("0A", "CN=a", now + days(10))));
    CHECK_FALSE(s->insert(row("0a", "CN=b", now + days(10))));  // the same serial, however written
    CHECK(s->insert(row("0B", "CN=c", now + days(10))));       // the transaction goes on
    s->commit();
    CHECK(s->count() == 2);
    CHECK(d.sql("SELECT count(*) FROM certificates") == "2");
    CHECK(d.sql("SELECT string_agg(serial || ':' || subject, ',' ORDER BY serial) FROM certificates") == "0A:CN=a,0B:CN=c");

    const auto found = s->find(issue::Serial::parse("0A"));
    REQUIRE(found);
    const auto expected = row("0A", "CN=a", now + days(10));
    CHECK(describe(*found) == describe(expected));
    CHECK(found->der == expected.der);
    // psql's view of the bytes: binary-safe both ways.
    std::string hex;
    for (auto b : expected.der) {
        char two[3];
        std::snprintf(two, sizeof two, "%02x", b);
        hex += two;
    }
    CHECK(d.sql("SELECT encode(der, 'hex') FROM certificates WHERE serial = '0A'") == hex);
    CHECK_FALSE(s->find(issue::Serial::parse("0C")));

    // A transaction not committed leaves nothing; a Transaction object rolls back on its own.
    s->begin();
    CHECK(s->insert(row("0C", "CN=d", now + days(10))));
    s->rollback();
    CHECK(s->count() == 2);
    {
        db::Store store(d.open(db::Store::Open::Existing));
        db::Store::Transaction tx(store);
        CHECK(store.insert(row("0D", "CN=e", now + days(10))));
    }
    CHECK(d.sql("SELECT count(*) FROM certificates") == "2");

    // Reopened: the same rows.
    auto again = d.open(db::Store::Open::Existing);
    CHECK(again->count() == 2);
    CHECK(again->ca_fingerprint() == kCa1);
}

TEST_CASE("postgres: revocations, holds and renewals answer as SQLite's", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto pg = d.open(db::Store::Open::CreateNew);
    test::TempDir t;
    auto lite = db::SqliteInventory::open(t / "pkitool.db", db::Store::Open::CreateNew);
    const auto now = now_s();
    fill(*pg, now);
    fill(*lite, now);

    auto as_text = [](const std::vector<db::RevokedSerial>& rs) {
        std::vector<std::string> out;
        for (const auto& r : rs)
            out.push_back(r.serial.hex() + " " + std::to_string(r.revocation.at.time_since_epoch().count()) + " " + db::to_string(r.revocation.reason) +
                          " " + r.revocation.hold_instruction.value_or("-"));
        return out;
    };
    const auto revoked = as_text(pg->revocations());
    CHECK(revoked.size() == 11);
    CHECK(revoked == as_text(lite->revocations()));
    // psql: the hold made final lost its instruction, the holds left kept theirs.
    CHECK(d.sql("SELECT revocation_reason || ' ' || coalesce(hold_instruction, '-') FROM certificates WHERE serial = '" + serial_at(5).hex() + "'") ==
          "caCompromise -");
    CHECK(d.sql("SELECT revocation_reason || ' ' || coalesce(hold_instruction, '-') FROM certificates WHERE serial = '" + serial_at(16).hex() + "'") ==
          "certificateHold 1.2.840.10040.2.2");
    CHECK(d.sql("SELECT count(*) FROM certificates WHERE revocation_reason = 'certificateHold' AND hold_instruction = '1.2.840.10040.2.2'") ==
          std::to_string(std::count_if(revoked.begin(), revoked.end(), [](const std::string& r) { return r.find("certificateHold") != std::string::npos; })));
    CHECK(d.sql("SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL") == "11");

    pg->each_row([&](const db::CertificateRecord& r) {
        if (!r.superseded_by) return;
        const auto back = pg->find_renewed_by(*r.superseded_by);
        REQUIRE(back);
        CHECK(back->serial == r.serial);
        const auto lite_back = lite->find_renewed_by(*r.superseded_by);
        REQUIRE(lite_back);
        CHECK(describe(*back) == describe(*lite_back));
    });
    CHECK(d.sql("SELECT count(*) FROM certificates WHERE superseded_by IS NOT NULL") == "4");
    CHECK(pg->longest_lifetime() == lite->longest_lifetime());
    CHECK(pg->longest_lifetime() == days(430));
    for (int i = 0; i < 8; ++i) {
        const auto path = "/srv/cert" + std::to_string(i) + ".pem";
        const auto a = pg->find_delivered_to(path);
        const auto b = lite->find_delivered_to(path);
        REQUIRE(a.has_value() == b.has_value());
        if (a) CHECK(describe(*a) == describe(*b));
    }
    CHECK(pg->last_crl_number() == 41);
    CHECK(lite->last_crl_number() == 41);
}

TEST_CASE("postgres: every listing filter lists what SQLite lists, in the same order", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto pg = d.open(db::Store::Open::CreateNew);
    test::TempDir t;
    auto lite = db::SqliteInventory::open(t / "pkitool.db", db::Store::Open::CreateNew);
    const auto now = now_s();
    fill(*pg, now);
    fill(*lite, now);

    size_t nonempty = 0;
    for (const auto& q : queries(now)) {
        INFO(query_name(q));
        const auto a = listed(*pg, q);
        const auto b = listed(*lite, q);
        CHECK(described(a) == described(b));
        for (const auto& r : a) CHECK(r.der.empty());  // listings carry no DER
        if (!a.empty()) ++nonempty;
    }
    CHECK(nonempty > 30);  // the comparison compared something

    // Oracles of their own for a few: psql's count, and the case folding SQLite does (ASCII only).
    db::Query all;
    all.now = now;
    CHECK(listed(*pg, all).size() == 60);
    auto q = all;
    q.subject_pattern = "äpfel";
    CHECK(listed(*pg, q).size() == static_cast<size_t>(std::stoi(d.sql("SELECT count(*) FROM certificates WHERE subject LIKE '%äpfel%'"))));
    q.subject_pattern = "100%";
    CHECK(listed(*pg, q).size() == 6);
    q.subject_pattern = "%";
    CHECK(listed(*pg, q).size() == 6);
    q.subject_pattern = "' or 1=1";
    CHECK(listed(*pg, q).size() == 6);
    q = all;
    q.status = db::Status::Revoked;
    CHECK(std::to_string(listed(*pg, q).size()) == d.sql("SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL"));
    q.status = db::Status::Valid;
    CHECK(std::to_string(listed(*pg, q).size()) ==
          d.sql("SELECT count(*) FROM certificates WHERE revoked_at IS NULL AND superseded_by IS NULL AND not_after >= " +
                std::to_string(now.time_since_epoch().count())));
    // Order: notAfter, then serial, as psql sorts them bytewise.
    std::string order;
    for (const auto& r : listed(*pg, all)) order += (order.empty() ? "" : ",") + r.serial.hex();
    CHECK(order == d.sql("SELECT string_agg(serial, ',' ORDER BY not_after, serial COLLATE \"C\") FROM certificates"));

    // each_row: every row with its DER, in insertion order, as SQLite's.
    std::vector<db::CertificateRecord> pg_rows, lite_rows;
    CHECK(pg->each_row([&](const db::CertificateRecord& r) { pg_rows.push_back(r); }) == 60);
    lite->each_row([&](const db::CertificateRecord& r) { lite_rows.push_back(r); });
    CHECK(described(pg_rows) == described(lite_rows));
    for (size_t i = 0; i < pg_rows.size() && i < lite_rows.size(); ++i) CHECK(pg_rows[i].der == lite_rows[i].der);

    for (const auto at : {now, now - days(100), now + days(30), now + days(1000)}) {
        const auto a = pg->counts(at);
        const auto b = lite->counts(at);
        CHECK(a.valid == b.valid);
        CHECK(a.revoked == b.revoked);
        CHECK(a.expired == b.expired);
        CHECK(a.superseded == b.superseded);
        CHECK(a.valid + a.revoked + a.expired + a.superseded == 60);
    }
    CHECK_FALSE(pg->plan(all).empty());
    CHECK_FALSE(pg->counts_plan(now).empty());
}

TEST_CASE("postgres: a listing whose reader gives up leaves the connection usable", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto pg = d.open(db::Store::Open::CreateNew);
    // Enough rows (100 MB of DER) that the server is still sending when the reader stops.
    d.sql("INSERT INTO certificates (ca_id, serial, subject, not_before, not_after, profile, fingerprint, der, created_at)"
          " SELECT (SELECT id FROM cas), 'A' || upper(lpad(to_hex(g), 7, '0')), 'CN=bulk', 0, g, 'server', 'ab', decode(repeat('ab', 1000), 'hex'), 0"
          " FROM generate_series(1, 100000) g");
    db::Query all;
    all.now = now_s();
    int seen = 0;
    CHECK_THROWS_WITH(pg->list(all,
                               [&](const db::CertificateRecord&) {
                                   if (++seen == 3) throw Error("enough");
                               }),
                      "enough");
    CHECK(seen == 3);
    CHECK(pg->count() == 100000);
    const auto last = pg->find(issue::Serial::parse("A00186A0"));
    REQUIRE(last);
    CHECK(last->der.size() == 1000);

    // Inside a transaction, which goes on and commits: the rest is read, not cancelled.
    pg->begin();
    seen = 0;
    CHECK_THROWS_WITH(pg->each_row([&](const db::CertificateRecord&) {
        if (++seen == 2) throw Error("enough");
    }),
                      "enough");
    CHECK(seen == 2);
    CHECK(pg->insert(row("7777777777", "CN=after", all.now)));
    pg->commit();
    CHECK(d.sql("SELECT count(*) FROM certificates") == "100001");
    CHECK(pg->each_row([](const db::CertificateRecord&) {}) == 100001);
}

TEST_CASE("postgres: a host waiting too long on another's CRL number is told the inventory is locked", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto signing = d.open(db::Store::Open::CreateNew);
    // A lock_timeout of the connection string's own is kept (else it is a minute).
    const auto impatient_url = d.url() + (d.url().find('?') == std::string::npos ? "?" : "&") + "options=-c%20lock_timeout%3D300";
    auto impatient = db::PostgresInventory::open(db::PostgresDatabase::parse(impatient_url), db::Store::Open::Existing, kCa1);
    signing->begin();
    CHECK(signing->next_crl_number() == 1);
    impatient->begin();
    CHECK_THROWS_WITH(impatient->next_crl_number(), Catch::Contains("database is locked by another pkitool process"));
    impatient->rollback();
    signing->commit();
    impatient->begin();
    CHECK(impatient->next_crl_number() == 2);
    impatient->commit();
}

TEST_CASE("postgres: two CAs in one database never see each other's rows", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto one = d.open(db::Store::Open::CreateNew, kCa1);
    auto two = d.open(db::Store::Open::CreateNew, kCa2);
    const auto now = now_s();
    fill(*one, now);
    CHECK(two->count() == 0);
    CHECK(two->insert(row("0100", "CN=two's own", now + days(5))));  // a serial CA one has too
    CHECK(two->revoke(issue::Serial::parse("0100"), db::Revocation{now, db::Reason::KeyCompromise}) == db::RevokeResult::Revoked);
    CHECK(two->revoke(issue::Serial::parse(one->revocations().front().serial.hex()), db::Revocation{now, db::Reason::KeyCompromise}) ==
          db::RevokeResult::NotFound);
    CHECK(one->find(issue::Serial::parse("0100"))->subject == "CN=alpha,O=Example");
    CHECK_FALSE(one->find(issue::Serial::parse("0100"))->revocation);
    CHECK(two->find(issue::Serial::parse("0100"))->subject == "CN=two's own");
    CHECK(two->revocations().size() == 1);
    CHECK(one->revocations().size() == 11);
    db::Query all;
    all.now = now;
    CHECK(listed(*two, all).size() == 1);
    CHECK(listed(*one, all).size() == 60);
    size_t n = 0;
    two->each_row([&](const db::CertificateRecord&) { ++n; });
    CHECK(n == 1);
    CHECK(two->counts(now).revoked == 1);
    CHECK(two->counts(now).valid == 0);
    CHECK_FALSE(two->find_delivered_to("/srv/cert0.pem"));
    CHECK(two->longest_lifetime() == days(365));
    CHECK(two->last_crl_number() == 0);
    CHECK(one->last_crl_number() == 41);
    CHECK(two->next_crl_number() == 1);
    CHECK(one->last_crl_number() == 41);
    CHECK_FALSE(two->set_superseded_by(serial_at(1), issue::Serial::parse("0100")));  // one's serial
    CHECK(d.sql("SELECT count(*) FROM cas") == "2");
    CHECK(d.sql("SELECT c.certificate_sha256 || ':' || count(*) FROM certificates JOIN cas c ON c.id = ca_id GROUP BY c.certificate_sha256 ORDER BY 1") ==
          kCa1 + ":60\n" + kCa2 + ":1");
}

TEST_CASE("postgres: CRL numbers increase by one, a rolled-back one is reused, adoption never goes back", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto s = d.open(db::Store::Open::CreateNew);
    CHECK(s->last_crl_number() == 0);
    s->begin();
    CHECK(s->next_crl_number() == 1);
    s->commit();
    s->begin();
    CHECK(s->next_crl_number() == 2);
    s->rollback();
    CHECK(s->last_crl_number() == 1);
    CHECK(d.sql("SELECT last_crl_number FROM cas") == "1");
    s->continue_crl_numbers_after(10);
    CHECK(s->last_crl_number() == 10);
    s->continue_crl_numbers_after(5);
    CHECK(s->last_crl_number() == 10);
    CHECK(s->next_crl_number() == 11);  // outside a transaction: committed at once
    CHECK(d.sql("SELECT last_crl_number FROM cas") == "11");
}

TEST_CASE("postgres: connections taking CRL numbers at once get distinct, increasing ones", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    { auto create = d.open(db::Store::Open::CreateNew); }
    constexpr int kThreads = 4, kEach = 25;
    std::mutex m;
    std::vector<uint64_t> all;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&] {
            try {
                auto s = d.open(db::Store::Open::Existing);
                uint64_t last = 0;
                for (int i = 0; i < kEach; ++i) {
                    s->begin();
                    const auto n = s->next_crl_number();
                    std::this_thread::yield();  // "signing": the row lock is held meanwhile
                    s->commit();
                    if (n <= last) ++failures;
                    last = n;
                    std::lock_guard<std::mutex> g(m);
                    all.push_back(n);
                }
            } catch (...) {
                ++failures;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
    std::sort(all.begin(), all.end());
    REQUIRE(all.size() == size_t{kThreads * kEach});
    for (size_t i = 0; i < all.size(); ++i) CHECK(all[i] == i + 1);
    CHECK(d.sql("SELECT last_crl_number FROM cas") == std::to_string(kThreads * kEach));
}

TEST_CASE("postgres: hosts opening a new database at once create its tables once", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    std::vector<std::string> errors(4);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            try {
                auto s = d.open(db::Store::Open::CreateNew, std::string(64, static_cast<char>('a' + t)));
            } catch (const std::exception& e) {
                errors[t] = e.what();
                ++failures;
            }
        });
    for (auto& t : threads) t.join();
    for (const auto& e : errors) CHECK(e == "");
    CHECK(failures == 0);
    CHECK(d.sql("SELECT count(*) FROM cas") == "4");
    CHECK(d.sql("SELECT version FROM pkitool_schema") == "1");
}

TEST_CASE("postgres: open errors say what is wrong, one line each", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto one_line = [](const std::string& message) { CHECK(message.find('\n') == std::string::npos); };

    // Missing database.
    try {
        db::PostgresInventory::open(db::PostgresDatabase::parse(with_database(*admin, "pkitool_test_no_such_db")), db::Store::Open::CreateNew, kCa1);
        FAIL("opened a missing database");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("database \"pkitool_test_no_such_db\" does not exist"));
        CHECK_THAT(e.what(), Catch::StartsWith(with_database(*admin, "pkitool_test_no_such_db")));
        CHECK_THAT(e.hint(), Catch::Contains("createdb pkitool_test_no_such_db"));
        one_line(e.what());
    }
    // A user the server does not know.
    try {
        const auto url = with_user(d.url(), "pkitool_no_such_role");
        db::PostgresInventory::open(db::PostgresDatabase::parse(url), db::Store::Open::CreateNew, kCa1);
        FAIL("logged in as a missing role");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("refused the login") && Catch::Contains("pkitool_no_such_role"));
        one_line(e.what());
    }
    // No server there.
    try {
        test::TempDir empty;
        db::PostgresInventory::open(db::PostgresDatabase::parse("postgresql:///x?host=" + empty.path().string() + "&port=5499"), db::Store::Open::CreateNew,
                                    kCa1);
        FAIL("reached a server that is not there");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("cannot reach the PostgreSQL server"));
        CHECK_THAT(e.hint(), Catch::Contains("server running"));
        one_line(e.what());
    }
    // An existing CA in a database without any inventory: nothing is created there.
    CHECK_THROWS_WITH(d.open(db::Store::Open::Existing), Catch::Contains(" holds no inventory of this CA (certificate SHA-256 aaaaaaaaaaaaaaaa…)"));
    CHECK(d.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");

    { auto s = d.open(db::Store::Open::CreateNew); }
    // Still empty: taken over (a ca init or ca import that failed after adding it, run again).
    CHECK_NOTHROW(d.open(db::Store::Open::CreateNew));
    CHECK(d.sql("SELECT count(*) FROM cas") == "1");
    {
        auto s = d.open(db::Store::Open::Existing);
        s->begin();
        s->next_crl_number();
        s->commit();
    }
    CHECK_THROWS_WITH(d.open(db::Store::Open::CreateNew), "this CA's inventory is already in " + d.url());
    CHECK_THROWS_WITH(d.open(db::Store::Open::Existing, kCa2), d.url() + " holds no inventory of this CA (certificate SHA-256 bbbbbbbbbbbbbbbb…)");
    CHECK_NOTHROW(d.open(db::Store::Open::Existing));

    d.sql("UPDATE pkitool_schema SET version = 99");
    try {
        d.open(db::Store::Open::Existing);
        FAIL("opened a newer schema");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == d.url() + ": database schema version 99 is newer than this pkitool understands");
        CHECK(e.hint() == "upgrade pkitool");
    }
    CHECK(d.sql("SELECT version FROM pkitool_schema") == "99");  // left as it was
}

TEST_CASE("postgres: the CA's fingerprint, set once and moved on renewal", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto s = d.open(db::Store::Open::CreateNew);
    CHECK(s->ca_fingerprint() == kCa1);
    CHECK_NOTHROW(s->set_ca_fingerprint(kCa1));
    CHECK_THROWS_WITH(s->set_ca_fingerprint(kCa2), Catch::Contains("already belongs to a CA"));
    CHECK_THROWS_WITH(s->replace_ca_fingerprint(kCa2, kCa1), Catch::Contains("belongs to another CA"));
    s->replace_ca_fingerprint(kCa1, kCa2);
    CHECK(s->ca_fingerprint() == kCa2);
    CHECK(d.sql("SELECT certificate_sha256 FROM cas") == kCa2);
    CHECK_THROWS(d.open(db::Store::Open::Existing, kCa1));
    CHECK_NOTHROW(d.open(db::Store::Open::Existing, kCa2));
}

TEST_CASE("postgres: Store opens it from a PostgreSQL location", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    const db::Location where = d.where();
    {
        auto s = db::Store::open(where, db::Store::Open::CreateNew, kCa1);
        CHECK(s.where() == d.url());
        CHECK(s.insert(row("01", "CN=a", now_s() + days(1))));
    }
    auto s = db::Store::open(where, db::Store::Open::Existing, kCa1);
    CHECK(s.count() == 1);
    CHECK(s.ca_fingerprint() == kCa1);
}

TEST_CASE("postgres: a backup is a whole SQLite copy of the CA's rows, 0600, nothing left on failure", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto pg = d.open(db::Store::Open::CreateNew);
    auto other = d.open(db::Store::Open::CreateNew, kCa2);
    const auto now = now_s();
    fill(*pg, now);
    CHECK(other->insert(row("01", "CN=other", now)));
    test::TempDir t;
    const auto to = t / "copy.db";
    pg->backup(to);
    struct stat st {};
    REQUIRE(::stat(to.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto copy = db::SqliteInventory::open(to, db::Store::Open::Existing);
    CHECK(copy->ca_fingerprint() == kCa1);
    CHECK(copy->count() == 60);
    CHECK(copy->last_crl_number() == 41);
    std::vector<db::CertificateRecord> a, b;
    pg->each_row([&](const db::CertificateRecord& r) { a.push_back(r); });
    copy->each_row([&](const db::CertificateRecord& r) { b.push_back(r); });
    CHECK(described(a) == described(b));
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) CHECK(a[i].der == b[i].der);

    // sqlite3's view of the copy agrees with psql's of the original.
    const auto lite = test::shell("sqlite3 " + quote(to.string()) + " 'SELECT count(*), sum(length(der)), count(revoked_at) FROM certificates'", t.path());
    CHECK(lite.code == 0);
    CHECK(lite.out == d.sql("SELECT count(*) || '|' || sum(length(der)) || '|' || count(revoked_at) FROM certificates JOIN cas ON cas.id = ca_id"
                            " WHERE certificate_sha256 = '" + kCa1 + "'") + "\n");

    CHECK_THROWS_WITH(pg->backup(to), Catch::Contains("already exists"));
    CHECK_THROWS_WITH(pg->backup(t / "no" / "such" / "dir.db"), Catch::Contains("cannot create"));
    copy.reset();
    size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(t.path())) ++entries;
    CHECK(entries == 1);  // the copy alone: no temporary file or directory left
}

TEST_CASE("postgres: a connection lost mid-transaction fails the command, and nothing is recorded", "[postgres]") {
    POSTGRES_OR_SKIP(admin);
    Database d(*admin);
    auto s = d.open(db::Store::Open::CreateNew);
    const auto now = now_s();
    CHECK(s->insert(row("01", "CN=kept", now)));
    s->begin();
    CHECK(s->insert(row("02", "CN=lost", now)));
    // What a server restart does to the connection: the backend goes away.
    d.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    CHECK_THROWS_WITH(s->insert(row("03", "CN=lost too", now)), Catch::Contains("lost the connection to the PostgreSQL server"));
    CHECK_THROWS_WITH(s->commit(), Catch::Contains("lost the connection") && Catch::Contains("nothing of the transaction was recorded"));
    s->rollback();  // never throws
    CHECK_THROWS_WITH(s->count(), Catch::Contains("lost the connection"));
    CHECK(d.sql("SELECT string_agg(serial, ',') FROM certificates") == "01");

    // Lost between the last statement and COMMIT: the commit fails too, never reports success.
    auto t = d.open(db::Store::Open::Existing);
    t->begin();
    CHECK(t->insert(row("04", "CN=lost at commit", now)));
    d.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    CHECK_THROWS_WITH(t->commit(), Catch::Contains("lost the connection"));
    CHECK(d.sql("SELECT string_agg(serial, ',') FROM certificates") == "01");
}
