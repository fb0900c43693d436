// A private PostgreSQL server per test (or one CI started), driven with Debian's initdb, pg_ctl and psql.
#include "tests/support/postgres.h"

#include <cctype>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <pwd.h>
#include <unistd.h>

namespace pkitool::test {

namespace {

// The port only names the socket file (.s.PGSQL.<port>) inside the server's own directory: with
// listen_addresses = '' nothing binds TCP, so the number never collides with another server.
constexpr int kPort = 5432;

std::string quote(const std::string& s) {
    std::string q = "'";
    for (const char c : s) q += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
    return q + "'";
}

// RFC 3986 percent-encoding of a URL component (a socket directory, a database name); '/' stays,
// as in libpq's own example `postgresql:///dbname?host=/var/lib/postgresql`.
std::string encoded(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') out += static_cast<char>(c);
        else out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
}

std::string bin(const char* program) { return quote(std::string(PostgresServer::kBinDir) + "/" + program); }

// A libpq URL split around its database name (postgresql://[userspec@][hostspec][/dbname][?params],
// https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING-URIS).
struct UrlParts {
    std::string head;   // scheme://userspec@hostspec
    std::string query;  // "?..." or ""
};

UrlParts split_url(const std::string& url) {
    const auto scheme = url.find("://");
    const std::string name = scheme == std::string::npos ? "" : url.substr(0, scheme);
    if (name != "postgresql" && name != "postgres")
        throw std::runtime_error("PKITOOL_TEST_POSTGRES is not a postgresql:// URL (key=value connection strings are not supported)");
    const auto start = scheme + 3;
    const auto q = url.find('?', start);
    const auto path = url.find('/', start);
    const auto head_end = path < q ? path : q;
    UrlParts parts{url.substr(0, head_end), q == std::string::npos ? "" : url.substr(q)};
    const auto at = parts.head.rfind('@');
    const bool user_password = at != std::string::npos && parts.head.substr(start, at - start).find(':') != std::string::npos;
    const bool param_password = parts.query.find("?password=") == 0 || parts.query.find("&password=") != std::string::npos;
    // The URLs land in test output and in pkitool's arguments: no secret in them (common rule).
    if (user_password || param_password)
        throw std::runtime_error("PKITOOL_TEST_POSTGRES holds a password; give it through ~/.pgpass or PGPASSWORD instead");
    return parts;
}

std::string unique_name() {
    static int counter = 0;
    static std::mt19937 pick(std::random_device{}());
    std::ostringstream name;
    // pid and counter keep names apart within a run; the random part, from databases an earlier
    // run left on a server that outlives it.
    name << "pkitool_test_" << ::getpid() << "_" << ++counter << "_" << std::hex << (pick() & 0xffffff);
    return name.str();
}

}  // namespace

Result psql(const std::string& url, const std::string& sql) {
    return shell("PGCONNECT_TIMEOUT=10 " + bin("psql") + " -X -q -A -t -v ON_ERROR_STOP=1 -d " + quote(url) + " -f -", "/", sql);
}

PostgresServer::PostgresServer() : dir_(std::make_unique<TempDir>()) {
    try {
        start();
    } catch (...) {
        stop_quietly();  // a failed start leaves no server behind
        throw;
    }
}

PostgresServer::PostgresServer(const std::string& admin_url) : admin_url_(admin_url) {
    split_url(admin_url);
    const auto r = psql(admin_url_, "SELECT 1;");
    if (r.code != 0) throw std::runtime_error("PKITOOL_TEST_POSTGRES: the server does not answer: " + r.err);
}

PostgresServer::~PostgresServer() {
    if (is_private()) {
        stop_quietly();
        return;
    }
    try {
        for (const auto& name : created_) psql(admin_url_, "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE);");
    } catch (...) {  // a destructor's cleanup: what is left, the server's owner drops
    }
}

std::string PostgresServer::as_server(const std::string& command) const {
    // initdb, pg_ctl and postgres refuse to run as root (CI's user); the Debian package's
    // `postgres` user runs them then. setpriv, not su or runuser: no PAM session to set up.
    if (::geteuid() != 0) return command;
    return "setpriv --reuid=postgres --regid=postgres --clear-groups " + command;
}

Result PostgresServer::pg_ctl(const std::string& args) const {
    return shell(as_server(bin("pg_ctl") + " -D " + quote((dir_->path() / "data").string()) + " " + args), dir_->path());
}

void PostgresServer::start() {
    const fs::path& dir = dir_->path();
    for (const char* program : {"initdb", "pg_ctl", "postgres", "psql"})
        if (!fs::exists(fs::path(kBinDir) / program))
            throw std::runtime_error(std::string("no ") + program + " in " + kBinDir + ": install Debian's postgresql package (.ci/install-deps does)");
    if (::geteuid() == 0) {
        const passwd* pw = ::getpwnam("postgres");
        if (!pw) throw std::runtime_error("no `postgres` user to run the server as root: install Debian's postgresql package, which creates it");
        // Still 0700 (mkdtemp): the server's alone; root passes anyway.
        if (::chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("cannot chown " + dir.string() + " to postgres");
        if (shell(as_server("test -w " + quote(dir.string()) + " -a -x " + quote(dir.string())), "/").code != 0)
            throw std::runtime_error("the postgres user cannot reach " + dir.string() + ": point TMPDIR at a directory it can traverse");
    }
    // TZ: initdb would otherwise guess the zone by scanning /usr/share/zoneinfo. --no-locale: C
    // collation and English messages whatever the machine's locale.
    const auto init = shell("TZ=UTC " + as_server(bin("initdb") + " -D " + quote((dir / "data").string()) + " -A trust -U " + kAdmin +
                                                  " --no-sync --no-locale -E UTF8"),
                            dir);
    if (init.code != 0) throw std::runtime_error("initdb failed:\n" + init.out + init.err);
    std::string socket_dir;
    for (const char c : dir.string()) socket_dir += c == '\'' ? std::string("''") : std::string(1, c);
    // Durability against a machine crash is not what these tests test: no fsync, for speed.
    std::ofstream(dir / "data/postgresql.conf", std::ios::app) << "\n# tests/support/postgres.cpp\nlisten_addresses = ''\nunix_socket_directories = '"
                                                                << socket_dir << "'\nport = " << kPort
                                                                << "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
    const auto started = pg_ctl("-l " + quote((dir / "server.log").string()) + " -w -t 60 start");
    if (started.code != 0) throw std::runtime_error("the PostgreSQL server did not start: " + started.out + started.err + "server log:\n" + log_tail());
    running_ = true;
    admin_url_ = url("postgres");
    // A test process that dies (a crash, ctest's timeout) runs no destructor: this watcher stops
    // the server and removes its directory then, so no postmaster outlives the test.
    const auto watchdog = shell("(while kill -0 " + std::to_string(::getpid()) + " 2>/dev/null; do sleep 1; done; " +
                                    as_server(bin("pg_ctl") + " -D " + quote((dir / "data").string()) + " -m immediate stop") + "; rm -rf " +
                                    quote(dir.string()) + ") </dev/null >/dev/null 2>&1 & echo $!",
                                dir);
    if (watchdog.code == 0) watchdog_pid_ = std::atoi(watchdog.out.c_str());
}

void PostgresServer::stop_quietly() {
    if (watchdog_pid_ > 0) ::kill(watchdog_pid_, SIGTERM);
    watchdog_pid_ = 0;
    if (running_ || fs::exists(dir_->path() / "data/postmaster.pid")) pg_ctl("-m immediate stop");
    running_ = false;
}

std::string PostgresServer::url(const std::string& dbname) const {
    if (!is_private()) {
        const auto parts = split_url(admin_url_);
        return parts.head + "/" + encoded(dbname) + parts.query;
    }
    return "postgresql:///" + encoded(dbname) + "?host=" + encoded(dir_->path().string()) + "&port=" + std::to_string(kPort) + "&user=" + kAdmin;
}

std::string PostgresServer::new_database() const {
    const std::string name = unique_name();
    // Connected to `postgres`, never template1: CREATE DATABASE copies template1 and fails while
    // anyone else is connected to it, and test processes create databases side by side.
    const auto r = psql(admin_url_, "CREATE DATABASE " + name + ";");
    if (r.code != 0) throw std::runtime_error("CREATE DATABASE " + name + " failed: " + r.err + log_tail());
    if (!is_private()) created_.push_back(name);
    return url(name);
}

void PostgresServer::restart() {
    if (!is_private())
        throw std::logic_error("restart() needs a private PostgresServer: the shared one (PKITOOL_TEST_POSTGRES) serves other test processes");
    const auto r = pg_ctl("-l " + quote((dir_->path() / "server.log").string()) + " -w -t 60 -m fast restart");
    if (r.code != 0) throw std::runtime_error("the PostgreSQL server did not restart: " + r.out + r.err + "server log:\n" + log_tail());
    running_ = true;
}

void PostgresServer::stop() {
    if (!is_private()) throw std::logic_error("stop() needs a private PostgresServer: the shared one (PKITOOL_TEST_POSTGRES) serves other test processes");
    const auto r = pg_ctl("-w -t 60 -m fast stop");
    if (r.code != 0) throw std::runtime_error("the PostgreSQL server did not stop: " + r.out + r.err + "server log:\n" + log_tail());
    running_ = false;
}

fs::path PostgresServer::data_dir() const {
    if (!is_private()) throw std::logic_error("data_dir() needs a private PostgresServer: the shared one's files are not this process's");
    return dir_->path() / "data";
}

std::string PostgresServer::log_tail(int lines) const {
    if (!is_private()) return "";
    std::ifstream in(dir_->path() / "server.log");
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        last.push_back(line);
        if (static_cast<int>(last.size()) > lines) last.pop_front();
    }
    std::string out;
    for (const auto& line : last) out += line + "\n";
    return out;
}

const PostgresServer& shared_postgres() {
    static std::unique_ptr<PostgresServer> server;
    if (!server) {
        const char* url = std::getenv("PKITOOL_TEST_POSTGRES");
        server = url && *url ? std::make_unique<PostgresServer>(url) : std::make_unique<PostgresServer>();
    }
    return *server;
}

}  // namespace pkitool::test
