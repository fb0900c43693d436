// A real PostgreSQL server for the inventory's PostgreSQL tests (issue #14), never a mock: Debian's
// postgresql-15 initdb'd into a test's temporary directory, reachable only through a Unix socket
// there (listen_addresses = ''), trust authentication, stopped and removed with the object.
#pragma once

#include "tests/support/cli.h"

#include <memory>
#include <string>
#include <vector>

namespace pkitool::test {

class PostgresServer {
public:
    static constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";
    static constexpr const char* kAdmin = "pkitool_admin";

    // A private server: initdb and start, as the `postgres` system user when run as root (initdb
    // and pg_ctl refuse root). Throws std::runtime_error with initdb's output or the server log's
    // tail when it cannot be made.
    PostgresServer();
    // A server already running (PKITOOL_TEST_POSTGRES), reached through an admin URL whose user may
    // CREATE DATABASE. Not this object's to restart or stop. Throws when the URL holds a password
    // (URLs end up in test output) or the server does not answer.
    explicit PostgresServer(const std::string& admin_url);
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // A libpq connection URL for database `dbname`, with the user and no password:
    // postgresql:///DB?host=/tmp/pkitool-test-XXXXXX&port=5432&user=pkitool_admin for a private one.
    std::string url(const std::string& dbname) const;
    // CREATE DATABASE with a name unique to this call; returns its URL. Databases made on a server
    // not ours are dropped when this object goes.
    std::string new_database() const;
    // pg_ctl restart -m fast; returns once the server accepts connections. Private servers only.
    void restart();
    // pg_ctl stop -m fast. Private servers only.
    void stop();
    bool is_private() const { return dir_ != nullptr; }
    // A private server's data directory (postgresql.conf, for a setting a test needs at start).
    fs::path data_dir() const;
    // The last lines of the server's log ("" for a server not ours).
    std::string log_tail(int lines = 20) const;

private:
    std::string as_server(const std::string& command) const;
    Result pg_ctl(const std::string& args) const;
    void start();
    void stop_quietly();

    std::unique_ptr<TempDir> dir_;
    std::string admin_url_;
    int watchdog_pid_ = 0;
    bool running_ = false;
    mutable std::vector<std::string> created_;
};

// psql (the independent client, from the same bin directory) on `url`, the SQL on its stdin:
// no psqlrc, stop at the first error, unaligned tuples only. out is what the queries printed.
Result psql(const std::string& url, const std::string& sql);

// One server per test process, started on first use; or, when PKITOOL_TEST_POSTGRES is set (CI
// starts one with .ci/postgres for a whole CTest run), that one. Tests that restart or stop a
// server make a PostgresServer of their own.
const PostgresServer& shared_postgres();

}  // namespace pkitool::test
