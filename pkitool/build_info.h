// What `pkitool --version` and `pkitool version` print (issue #15): pkitool's version, the git
// commit it was built from, the Botan and SQLite it runs with (the libraries' own answers at run
// time, not the headers'), and the aws_signing_helper release its helper personality follows.
#pragma once

#include <string>

namespace pkitool::cli {

struct BuildInfo {
    std::string version;         // CMakeLists.txt project(VERSION)
    std::string commit;          // 12 hex digits, "-dirty" when built from changed sources; "unknown" outside git
    std::string botan, sqlite;   // as the linked libraries report themselves
    std::string signing_helper;  // the aws_signing_helper release the helper personality follows
};

BuildInfo build_info();
// Three lines: "pkitool 0.1.0 (git 0123456789ab)", "Botan 2.19.3, SQLite 3.40.1",
// "aws_signing_helper personality: 1.8.0".
std::string version_text(const BuildInfo& b = build_info());

}  // namespace pkitool::cli
