// Where an inventory lives (issue #14): what a PostgreSQL connection string may hold, and that a
// secret in one is never echoed, even when it does not parse (libpq quotes what it rejects).
#include "db/location.h"
#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool;

namespace {

std::string refusal(const std::string& conninfo) {
    try {
        (void)db::PostgresDatabase::parse(conninfo);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::Usage);
        return std::string(e.what()) + "\n" + e.hint();
    }
    FAIL("accepted: " << conninfo);
    return {};
}

}  // namespace

TEST_CASE("location: PostgreSQL connection strings, URI or keyword=value, without secrets", "[db][postgres]") {
    CHECK(db::PostgresDatabase::parse("postgresql://pki@db.example/pkitool").conninfo() == "postgresql://pki@db.example/pkitool");
    CHECK(db::PostgresDatabase::parse("host=db.example dbname=pkitool user=pki").conninfo() == "host=db.example dbname=pkitool user=pki");
    CHECK(db::PostgresDatabase::parse("postgresql:///pkitool?host=/run/postgresql&passfile=/etc/pki/pgpass").conninfo().size() > 0);
    for (const std::string secret : {"postgresql://pki:s3cr3t@db.example/pkitool", "host=db.example password=s3cr3t dbname=pkitool",
                                     "postgresql://pki@db.example/pkitool?password=s3cr3t", "host=db sslpassword=s3cr3t"}) {
        const auto why = refusal(secret);
        INFO(secret << " -> " << why);
        CHECK_THAT(why, Catch::Contains("password") && !Catch::Contains("s3cr3t"));
    }
    // Malformed, with a password in it: libpq's message would quote it; pkitool's does not.
    for (const std::string bad : {"postgresql://pki:s3cr3t@[::1/db", "postgresql://pki:s3%zzt@db/x", "postgresql://pki:s3cr3t@[::1]x/db",
                                  "postgresq://pki:s3cr3t@h/db"}) {
        const auto why = refusal(bad);
        INFO(bad << " -> " << why);
        CHECK_THAT(why, !Catch::Contains("s3cr3t") && !Catch::Contains("s3%zzt"));
    }
    CHECK_THAT(refusal("postgresql://pki@[::1/db"), Catch::Contains("[::1/db"));  // no secret: libpq's words help
    CHECK_THAT(refusal("not a url"), Catch::Contains("not a PostgreSQL connection string"));
}
