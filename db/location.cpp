#include "db/location.h"

#include "db/libpq.h"

#include "base/error.h"

#include <memory>

namespace pkitool::db {

PostgresDatabase PostgresDatabase::parse(const std::string& conninfo) {
    // libpq takes a URI (postgresql:// or postgres://) or keyword=value pairs (§34.1.1).
    const bool uri = conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
    if (!uri && conninfo.find('=') == std::string::npos)
        throw usage_error("'" + conninfo + "' is not a PostgreSQL connection string",
                          "give postgresql://USER@HOST[:PORT]/DBNAME, or keyword=value pairs such as 'host=db.example dbname=pkitool'");
    const auto& pq = Libpq::get();
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(pq.conninfoFree)> options(pq.conninfoParse(conninfo.c_str(), &error), pq.conninfoFree);
    if (!options) {
        std::string why = error ? error : "out of memory";
        pq.freemem(error);
        while (!why.empty() && (why.back() == '\n' || why.back() == '.')) why.pop_back();
        throw usage_error("PostgreSQL connection string: " + why);
    }
    for (const auto* o = options.get(); o->keyword; ++o)
        // The directory records the string, and it is shown: a password would be in both.
        if (std::string(o->keyword) == "password" && o->val && *o->val)
            throw usage_error("the PostgreSQL connection string holds a password, which the CA directory would record and pkitool would show",
                              "leave it out and use ~/.pgpass, PGPASSFILE, PGPASSWORD or a passfile= parameter");
    return PostgresDatabase(conninfo);
}

std::string to_string(const Location& where) {
    if (const auto* pg = std::get_if<PostgresDatabase>(&where)) return pg->conninfo();
    return std::get<SqliteFile>(where).path.string();
}

}  // namespace pkitool::db
