#include "tests/support/emulate.h"

#include <catch2/catch.hpp>

namespace pkitool::test {

Emulate::Emulate(const std::string& args, const TempDir& t)
    : process("'" PKITOOL_BINARY "' emulate " + args + " --port 0 --json", t.path(), "\"endpoint\"", 60), info(nlohmann::json::parse(process.ready_line())) {}

std::string aws_env(const TempDir& t, const std::string& key, const std::string& secret, const std::string& token, const std::string& region) {
    return "env -i PATH=/usr/bin:/bin HOME='" + t.path().string() + "' AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null" +
           " AWS_EC2_METADATA_DISABLED=true AWS_REGION=" + region + " AWS_DEFAULT_REGION=" + region + " AWS_ACCESS_KEY_ID='" + key + "' AWS_SECRET_ACCESS_KEY='" + secret + "'" +
           (token.empty() ? "" : " AWS_SESSION_TOKEN='" + token + "'") + " ";
}

Result ra(const TempDir& t, const Emulate& e, const std::string& args) {
    return shell(aws_env(t, e.key_id(), e.secret()) + aws_cli("rolesanywhere " + args + " --endpoint-url " + e.url()), t.path());
}

Result iam(const TempDir& t, const Emulate& e, const std::string& args) {
    return shell(aws_env(t, e.key_id(), e.secret()) + aws_cli("iam " + args + " --endpoint-url " + e.url()), t.path());
}

nlohmann::json ra_ok(const TempDir& t, const Emulate& e, const std::string& args) {
    const auto r = ra(t, e, args);
    INFO("aws rolesanywhere " << args << "\n" << r.err << "\nemulate: " << e.process.err());
    REQUIRE(r.code == 0);
    return r.out.empty() ? nlohmann::json::object() : nlohmann::json::parse(r.out);
}

}  // namespace pkitool::test
