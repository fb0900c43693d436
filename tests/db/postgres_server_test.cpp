// The PostgreSQL test server itself (tests/support/postgres.h, issue #14), checked with psql: the
// databases it hands out are real, apart, reachable through their URLs, and outlive a restart.
#include "tests/support/postgres.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace pkitool::test;

namespace {

// What psql prints for `sql` on `url`, REQUIRing success.
std::string query(const std::string& url, const std::string& sql) {
    const auto r = psql(url, sql);
    INFO(url << "\n" << sql << "\n" << r.err);
    REQUIRE(r.code == 0);
    return r.out;
}

std::string dbname_of(const std::string& url) {
    const auto start = url.find('/', url.find("://") + 3) + 1;
    return url.substr(start, url.find('?') - start);
}

}  // namespace

TEST_CASE("postgres server: two new databases are distinct, and psql reaches each through its URL", "[postgres]") {
    const auto& server = shared_postgres();
    const auto a = server.new_database();
    const auto b = server.new_database();
    REQUIRE(a != b);
    CHECK(query(a, "SELECT current_database();") == dbname_of(a) + "\n");
    CHECK(query(b, "SELECT current_database();") == dbname_of(b) + "\n");
    // The server lists both, and a table made in one is not in the other.
    const auto listed = query(server.url("postgres"), "SELECT datname FROM pg_database ORDER BY datname;");
    CHECK(listed.find(dbname_of(a) + "\n") != std::string::npos);
    CHECK(listed.find(dbname_of(b) + "\n") != std::string::npos);
    query(a, "CREATE TABLE only_in_a (x int);");
    CHECK(query(a, "SELECT to_regclass('only_in_a') IS NOT NULL;") == "t\n");
    CHECK(query(b, "SELECT to_regclass('only_in_a') IS NOT NULL;") == "f\n");
    // A name the server does not have is refused: psql's success above means something.
    CHECK(psql(server.url("pkitool_no_such_database"), "SELECT 1;").code != 0);
}

TEST_CASE("postgres server: a private server keeps its data across restart(), and stop() stops it", "[postgres]") {
    PostgresServer server;
    REQUIRE(server.is_private());
    const auto db = server.new_database();
    query(db, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before restart');");
    const auto started = query(db, "SELECT pg_postmaster_start_time();");
    server.restart();
    // A new postmaster (its start time moved), the same row.
    CHECK(query(db, "SELECT pg_postmaster_start_time();") != started);
    CHECK(query(db, "SELECT v FROM kept;") == "before restart\n");
    server.stop();
    const auto after_stop = psql(db, "SELECT 1;");
    CHECK(after_stop.code != 0);
    CHECK(after_stop.err.find("No such file or directory") != std::string::npos);  // the socket went with the server
}

TEST_CASE("postgres server: a server given by URL is used, not restarted, and its databases are dropped after", "[postgres]") {
    PostgresServer owner;
    std::string made;
    {
        PostgresServer given(owner.url("postgres"));
        REQUIRE_FALSE(given.is_private());
        made = given.new_database();
        CHECK(made == owner.url(dbname_of(made)));
        CHECK(query(made, "SELECT current_database();") == dbname_of(made) + "\n");
        CHECK_THROWS_WITH(given.restart(), Catch::Contains("private PostgresServer"));
        CHECK_THROWS_WITH(given.stop(), Catch::Contains("private PostgresServer"));
    }
    CHECK(query(owner.url("postgres"), "SELECT count(*) FROM pg_database WHERE datname = '" + dbname_of(made) + "';") == "0\n");
}

TEST_CASE("postgres server: no URL holds a password, and a given one that does is refused without showing it", "[postgres]") {
    for (const auto& url : {shared_postgres().new_database(), shared_postgres().url("postgres")}) {
        INFO(url);
        CHECK(url.find("password") == std::string::npos);
        CHECK(url.find('@') == std::string::npos);  // no userinfo, so no user:password@ either
        CHECK(url.find("user=") != std::string::npos);  // the user is named: a root process is not `root` to the server
    }
    for (const std::string given : {"postgresql://pkitool_admin:s3cr3t@/postgres?host=/tmp", "postgresql:///postgres?host=/tmp&password=s3cr3t",
                                    "postgres://u:s3cr3t@localhost:5432/postgres"}) {
        INFO(given);
        try {
            PostgresServer server(given);
            FAIL("accepted a URL with a password");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()).find("password") != std::string::npos);
            CHECK(std::string(e.what()).find("s3cr3t") == std::string::npos);
        }
    }
}

TEST_CASE("postgres server: a server that will not start is reported with the end of its log", "[postgres]") {
    PostgresServer server;
    server.stop();
    std::ofstream(server.data_dir() / "postgresql.conf", std::ios::app) << "shared_buffers = 'plenty'\n";
    // pg_ctl restart starts a stopped server; this one refuses its configuration.
    CHECK_THROWS_WITH(server.restart(), Catch::Contains("did not restart") && Catch::Contains("invalid value for parameter \"shared_buffers\""));
}
