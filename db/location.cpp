#include "db/location.h"

#include "db/libpq.h"

#include "base/error.h"

#include <memory>

namespace pkitool::db {

namespace {

// Whether text given as a connection string may carry a secret: a URI's user:password@, or a
// password= or sslpassword= anywhere. Such text is never echoed, nor libpq's message about it
// (libpq quotes the offending part, which may be the password itself).
bool may_hold_secret(const std::string& text) {
    if (text.find("password") != std::string::npos) return true;
    const auto scheme = text.find("://");
    if (scheme == std::string::npos) return false;
    const auto at = text.find('@', scheme + 3);
    const auto end = text.find_first_of("/?", scheme + 3);
    return at != std::string::npos && (end == std::string::npos || at < end) && text.find(':', scheme + 3) < at;
}

}  // namespace

PostgresDatabase PostgresDatabase::parse(const std::string& conninfo) {
    // libpq takes a URI (postgresql:// or postgres://) or keyword=value pairs (§34.1.1).
    const bool uri = conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
    const bool secret = may_hold_secret(conninfo);
    const std::string shown = secret ? "the connection string given" : "'" + conninfo + "'";
    if (!uri && conninfo.find('=') == std::string::npos)
        throw usage_error(shown + " is not a PostgreSQL connection string",
                          "give postgresql://USER@HOST[:PORT]/DBNAME, or keyword=value pairs such as 'host=db.example dbname=pkitool'");
    const auto& pq = Libpq::get();
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(pq.conninfoFree)> options(pq.conninfoParse(conninfo.c_str(), &error), pq.conninfoFree);
    if (!options) {
        std::string why = error ? error : "out of memory";
        pq.freemem(error);
        while (!why.empty() && (why.back() == '\n' || why.back() == '.')) why.pop_back();
        throw usage_error(secret ? "the PostgreSQL connection string does not parse (libpq's words are left out: they would quote the password)"
                                 : "PostgreSQL connection string " + shown + ": " + why);
    }
    for (const auto* o = options.get(); o->keyword; ++o) {
        // The directory records the string, and it is shown: a secret would be in both. sslpassword
        // is the passphrase of the client's key.
        const std::string keyword = o->keyword;
        if ((keyword == "password" || keyword == "sslpassword") && o->val && *o->val)
            throw usage_error("the PostgreSQL connection string holds a " + keyword + ", which the CA directory would record and pkitool would show",
                              "leave it out and use ~/.pgpass, PGPASSFILE, PGPASSWORD or a passfile= parameter");
    }
    return PostgresDatabase(conninfo);
}

std::string to_string(const Location& where) {
    if (const auto* pg = std::get_if<PostgresDatabase>(&where)) return pg->conninfo();
    return std::get<SqliteFile>(where).path.string();
}

}  // namespace pkitool::db
