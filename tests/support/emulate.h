// `pkitool emulate` as a child of a test, and the AWS CLI pointed at it as its administrator:
// shared by the control-plane and doctor tests (issue #12).
#pragma once

#include "tests/support/background.h"
#include "tests/support/cli.h"

#include <nlohmann/json.hpp>

#include <string>

namespace pkitool::test {

// `pkitool emulate ARGS --port 0 --json` as a child, with its one JSON line.
struct Emulate {
    Emulate(const std::string& args, const TempDir& t);
    std::string url() const { return info["endpoint"].get<std::string>(); }
    std::string key_id() const { return info["administrator"]["accessKeyId"].get<std::string>(); }
    std::string secret() const { return info["administrator"]["secretAccessKey"].get<std::string>(); }
    Background process;
    nlohmann::json info;
};

// Only what is set here reaches the AWS CLI: no config, no IMDS, the region emulate serves.
std::string aws_env(const TempDir& t, const std::string& key, const std::string& secret, const std::string& token = "",
                    const std::string& region = "us-east-1");

// `aws rolesanywhere ARGS` and `aws iam ARGS` (signed for us-east-1) as emulate's administrator.
Result ra(const TempDir& t, const Emulate& e, const std::string& args);
Result iam(const TempDir& t, const Emulate& e, const std::string& args);
// The same, which must succeed (a failed REQUIRE otherwise); its JSON output.
nlohmann::json ra_ok(const TempDir& t, const Emulate& e, const std::string& args);

}  // namespace pkitool::test
