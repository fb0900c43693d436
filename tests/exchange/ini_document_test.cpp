// Editing ~/.aws/credentials and ~/.aws/config: our section changes, every other byte stays.
#include "exchange/client/aws_config.h"
#include "exchange/client/credentials_file.h"
#include "exchange/client/ini_document.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace pkitool::exchange;

namespace {

const std::string kCredentials =
    "# my credentials, hand-edited\n"
    "[default]\n"
    "aws_access_key_id = AKIAOLD\n"
    "; keep this comment\n"
    "aws_secret_access_key=oldsecret\n"
    "\n"
    "[other]\n"
    "aws_access_key_id = AKIAOTHER\n"
    "aws_secret_access_key = othersecret\n"
    "region = eu-west-1\n";

const Credentials kNew{"ASIANEW", "newsecret", "newtoken", Clock::from_time_t(1795575600), ""};

}  // namespace

TEST_CASE("ini: replacing a profile keeps comments, order and other profiles", "[exchange][ini]") {
    const auto out = with_credentials(kCredentials, "default", kNew);
    CHECK(out ==
          "# my credentials, hand-edited\n"
          "[default]\n"
          "aws_access_key_id = ASIANEW\n"
          "; keep this comment\n"
          "aws_secret_access_key = newsecret\n"
          "aws_session_token = newtoken\n"
          "\n"
          "[other]\n"
          "aws_access_key_id = AKIAOTHER\n"
          "aws_secret_access_key = othersecret\n"
          "region = eu-west-1\n");
    // Idempotent: a second refresh changes only the values.
    CHECK(with_credentials(out, "default", kNew) == out);
}

TEST_CASE("ini: a new profile is appended and duplicates of our keys are dropped", "[exchange][ini]") {
    const auto out = with_credentials(kCredentials, "vm", kNew);
    CHECK(out == kCredentials + "\n[vm]\naws_access_key_id = ASIANEW\naws_secret_access_key = newsecret\naws_session_token = newtoken\n");
    CHECK(with_credentials("", "vm", kNew) == "[vm]\naws_access_key_id = ASIANEW\naws_secret_access_key = newsecret\naws_session_token = newtoken\n");
    const auto dup = set_ini_values("[a]\nk = 1\nk = 2\nx = y\n", "a", {{"k", "3"}});
    CHECK(dup == "[a]\nk = 3\nx = y\n");
    CHECK(get_ini_value(out, "other", "region") == "eu-west-1");
    CHECK(get_ini_value(out, "vm", "aws_session_token") == "newtoken");
    // Sections are matched exactly: [vm2] is not [vm].
    CHECK(set_ini_values("[vm2]\nk = 1\n", "vm", {{"k", "2"}}) == "[vm2]\nk = 1\n\n[vm]\nk = 2\n");
}

TEST_CASE("ini: credentials file written 0600 with the directory created 0700", "[exchange][ini]") {
    pkitool::test::TempDir tmp;
    const auto path = tmp / "aws" / "credentials";
    write_credentials_profile(path, "vm", kNew);
    CHECK(pkitool::test::mode_of(tmp / "aws") == 0700);
    CHECK(pkitool::test::mode_of(path) == 0600);
    std::ofstream(path, std::ios::app) << "# added by hand\n[x]\nk = v\n";
    write_credentials_profile(path, "vm", Credentials{"ASIA2", "s2", "t2", kNew.expiration, ""});
    const auto text = pkitool::test::slurp(path);
    CHECK(get_ini_value(text, "vm", "aws_access_key_id") == "ASIA2");
    CHECK_THAT(text, Catch::Contains("# added by hand\n[x]\nk = v\n"));
    CHECK(pkitool::test::mode_of(path) == 0600);
}

TEST_CASE("ini: config file gets credential_process in [profile NAME] and [default]", "[exchange][ini]") {
    const std::string config = "[default]\nregion = us-east-1\n\n# work\n[profile work]\nregion = eu-west-1\noutput = json\n";
    const auto out = with_credential_process(config, "work", "/usr/bin/pkitool exchange credential-process --a b");
    CHECK(out == "[default]\nregion = us-east-1\n\n# work\n[profile work]\nregion = eu-west-1\noutput = json\n"
                 "credential_process = /usr/bin/pkitool exchange credential-process --a b\n");
    CHECK(get_ini_value(with_credential_process(config, "default", "x"), "default", "credential_process") == "x");
    CHECK(config_section("default") == "default");
    CHECK(config_section("vm") == "profile vm");
}

TEST_CASE("ini: credential_process command lines are quoted the way shlex splits them", "[exchange][ini]") {
    CHECK(shell_join({"/usr/bin/pkitool", "--role-arn", "arn:aws:iam::1:role/r"}) == "/usr/bin/pkitool --role-arn arn:aws:iam::1:role/r");
    CHECK(shell_join({"/my dir/pkitool", "it's"}) == "'/my dir/pkitool' 'it'\"'\"'s'");
    CHECK(shell_join({""}) == "''");
}
