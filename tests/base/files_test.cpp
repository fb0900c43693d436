// Atomic output files: permissions, no clobbering, nothing left behind on failure.
#include "base/error.h"
#include "base/files.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace pkitool;

TEST_CASE("files: secrets are 0600, public files 0644, whatever the umask", "[files]") {
    test::TempDir t;
    const auto old = ::umask(0);
    files::write_atomic(t / "k", "secret", files::Mode::Secret);
    files::write_atomic(t / "c", "public", files::Mode::Public);
    ::umask(old);
    CHECK(test::mode_of(t / "k") == 0600);
    CHECK(test::mode_of(t / "c") == 0644);
    CHECK(test::slurp(t / "k") == "secret");
}

TEST_CASE("files: an existing file is kept unless overwriting is asked for", "[files]") {
    test::TempDir t;
    files::write_atomic(t / "f", "one", files::Mode::Public);
    CHECK_THROWS_WITH(files::write_atomic(t / "f", "two", files::Mode::Public), Catch::Contains("already exists"));
    CHECK(test::slurp(t / "f") == "one");
    files::write_atomic(t / "f", "two", files::Mode::Public, files::Overwrite::Yes);
    CHECK(test::slurp(t / "f") == "two");
    // No temporary files are left in the directory.
    size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(t.path())) ++entries;
    CHECK(entries == 1);
}

TEST_CASE("files: errors name the path", "[files]") {
    test::TempDir t;
    CHECK_THROWS_WITH(files::read(t / "missing"), Catch::Contains("missing: cannot read"));
    CHECK_THROWS_WITH(files::write_atomic(t / "no/such/dir/f", "x", files::Mode::Public), Catch::Contains("does not exist"));
    CHECK_THROWS_WITH(files::read(t.path()), Catch::Contains("is a directory"));
    files::make_directory(t / "private", files::Mode::Secret);
    CHECK(test::mode_of(t / "private") == 0700);
}
