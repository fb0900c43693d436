// The one locked read-modify-write of the AWS CLI's INI files (exchange/client/ini_edit.h).
#include "exchange/client/aws_config.h"
#include "exchange/client/ini_document.h"
#include "exchange/client/ini_edit.h"
#include "base/files.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

using namespace pkitool::exchange;

TEST_CASE("ini edit: a missing file reads as empty, is made 0600 in a new 0700 directory", "[exchange][ini]") {
    pkitool::test::TempDir tmp;
    const auto path = tmp / "aws" / "config";
    std::string seen = "unset";
    edit_ini_file(path, [&](const std::string& text) {
        seen = text;
        return set_ini_values(text, "default", {{"region", "eu-west-1"}});
    });
    CHECK(seen.empty());
    CHECK(pkitool::test::mode_of(tmp / "aws") == 0700);
    CHECK(pkitool::test::mode_of(path) == 0600);
    CHECK(pkitool::test::slurp(path) == "[default]\nregion = eu-west-1\n");
    // The edit sees the current text, and an existing file readable by others is made 0600.
    std::filesystem::permissions(path, std::filesystem::perms(0644));
    edit_ini_file(path, [&](const std::string& text) {
        seen = text;
        return text + "# mine\n";
    });
    CHECK(seen == "[default]\nregion = eu-west-1\n");
    CHECK(pkitool::test::slurp(path) == "[default]\nregion = eu-west-1\n# mine\n");
    CHECK(pkitool::test::mode_of(path) == 0600);
}

TEST_CASE("ini edit: concurrent edits are serialised by the lock, none is lost", "[exchange][ini]") {
    pkitool::test::TempDir tmp;
    const auto path = tmp / "credentials";
    std::vector<std::thread> editors;
    for (int i = 0; i < 6; ++i)
        editors.emplace_back([&, i] {
            edit_ini_file(path, [&](const std::string& text) {
                // Without the lock, every editor would read the same text here and all but one edit would be lost.
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                return set_ini_values(text, "p" + std::to_string(i), {{"k", std::to_string(i)}});
            });
        });
    for (auto& t : editors) t.join();
    const auto text = pkitool::test::slurp(path);
    for (int i = 0; i < 6; ++i) CHECK(get_ini_value(text, "p" + std::to_string(i), "k") == std::to_string(i));
}

TEST_CASE("ini edit: a file that cannot be read is an error and stays as it was", "[exchange][ini]") {
    pkitool::test::TempDir tmp;
    // A directory where the file should be: an error naming it, not an empty file written over it.
    std::filesystem::create_directory(tmp / "config");
    bool edited = false;
    const auto edit = [&](const std::string& text) {
        edited = true;
        return text;
    };
    CHECK_THROWS_WITH(edit_ini_file(tmp / "config", edit), Catch::Contains("config") && Catch::Contains("directory"));
    CHECK(std::filesystem::is_directory(tmp / "config"));
    // Past the input bound (files::kMaxInputBytes): refused before the edit runs.
    const auto big = tmp / "big";
    std::ofstream(big) << std::string(pkitool::files::kMaxInputBytes + 1, '#');
    CHECK_THROWS_WITH(edit_ini_file(big, edit), Catch::Contains("big") && Catch::Contains("larger than"));
    CHECK(std::filesystem::file_size(big) == pkitool::files::kMaxInputBytes + 1);
    CHECK_FALSE(edited);
    // The configure path goes through the same edit.
    CHECK_THROWS_WITH(write_credential_process(tmp / "config", "vm", "x"), Catch::Contains("directory"));
}

TEST_CASE("ini edit: a symbolic link is followed, kept, and its file edited, and a dangling one is replaced", "[exchange][ini]") {
    namespace fs = std::filesystem;
    pkitool::test::TempDir tmp;
    fs::create_directories(tmp / "dotfiles");
    fs::create_directories(tmp / "aws");
    std::ofstream(tmp / "dotfiles/aws-config") << "[profile mine]\nregion = eu-west-1\n";
    fs::create_symlink("../dotfiles/aws-config", tmp / "aws/config");  // relative, as dotfile managers make them
    edit_ini_file(tmp / "aws/config", [](const std::string& text) { return text + "# added\n"; });
    CHECK(fs::is_symlink(tmp / "aws/config"));
    CHECK(fs::read_symlink(tmp / "aws/config") == "../dotfiles/aws-config");
    CHECK(pkitool::test::slurp(tmp / "dotfiles/aws-config") == "[profile mine]\nregion = eu-west-1\n# added\n");
    CHECK(pkitool::test::mode_of(tmp / "dotfiles/aws-config") == 0600);

    fs::create_symlink(tmp / "nowhere", tmp / "aws/credentials");
    edit_ini_file(tmp / "aws/credentials", [](const std::string& text) { return text + "[default]\n"; });
    CHECK_FALSE(fs::is_symlink(tmp / "aws/credentials"));
    CHECK(pkitool::test::slurp(tmp / "aws/credentials") == "[default]\n");
    CHECK_FALSE(fs::exists(tmp / "nowhere"));
}
