// End to end: how CreateSession reaches a private endpoint. A Roles Anywhere endpoint on HTTPS
// with a certificate from a private CA (the independent fake, tests/exchange/fake_rolesanywhere.py,
// with --tls-cert), trusted through --ca-bundle, AWS_CA_BUNDLE or SSL_CERT_FILE and refused
// otherwise; a logging forward proxy (tests/support/logging_proxy.py) used with --with-proxy as
// aws_signing_helper uses one; and `serve --bind` on IPv6 and beyond loopback.
#include "tests/support/background.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <utility>
#include <vector>

using namespace pkitool::test;
using nlohmann::json;

namespace {

const std::string kFake = PKITOOL_SOURCE_DIR "/tests/exchange/fake_rolesanywhere.py";
const std::string kProxy = PKITOOL_SOURCE_DIR "/tests/support/logging_proxy.py";
const std::string kArns =
    "--trust-anchor-arn arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta "
    "--profile-arn arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p "
    "--role-arn arn:aws:iam::123456789012:role/TestRole";
// RFC 6761 section 6.4: names under .invalid never resolve, so only the proxy can reach it.
const std::string kName = "roles.proxy-test.invalid";

// A private HOME and cache, and none of the trust or proxy settings of the developer's shell.
std::string env(const TempDir& t) {
    return "env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_REGION -u AWS_DEFAULT_REGION "
           "-u AWS_CA_BUNDLE -u SSL_CERT_FILE -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY "
           "-u https_proxy -u NO_PROXY -u no_proxy -u ALL_PROXY -u all_proxy -u AWS_EC2_METADATA_SERVICE_ENDPOINT -u AWS_EC2_METADATA_DISABLED "
           "HOME='" +
           t.path().string() + "' XDG_CACHE_HOME='" + (t / "cache").string() + "' AWS_CONFIG_FILE='" + (t / "aws-config").string() +
           "' AWS_SHARED_CREDENTIALS_FILE='" + (t / "aws-credentials").string() + "' ";
}

// pkitool with `vars` ("AWS_CA_BUNDLE=ca.pem ...") in its environment.
Result pk(const TempDir& t, const std::string& vars, const std::string& args) {
    return shell(env(t) + vars + " '" PKITOOL_BINARY "' " + args, t.path());
}

// A private CA (tls-ca.crt) and the endpoint's certificate from it (tls.crt, for 127.0.0.1 and
// kName), plus an unrelated CA (other-ca.crt), all made by openssl.
void make_tls(const TempDir& t) {
    must(shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls-ca.key -out tls-ca.crt -days 2 "
               "-subj /CN=Private-Endpoint-CA -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null && "
               "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other-ca.key -out other-ca.crt -days 2 "
               "-subj /CN=Other-CA 2>/dev/null && "
               "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.csr -subj /CN=" + kName +
                   " 2>/dev/null && "
                   "printf 'subjectAltName=IP:127.0.0.1,DNS:" + kName +
                   "\\nbasicConstraints=critical,CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > tls.ext && "
                   "openssl x509 -req -in tls.csr -CA tls-ca.crt -CAkey tls-ca.key -set_serial 0x77 -days 2 -extfile tls.ext -out tls.crt 2>/dev/null",
               t.path()));
}

std::string fake_cmd(const std::string& log, bool tls) {
    return "/usr/bin/python3 '" + kFake + "' --anchor root-ca/ca.crt --log " + log + " --lifetime 120" +
           (tls ? " --tls-cert tls.crt --tls-key tls.key" : "");
}

std::string session(const std::string& endpoint) {
    return "exchange credential-process --no-cache --certificate ec.crt --private-key ec.key " + kArns + " --endpoint " + endpoint;
}

size_t lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

void check_credentials(const Result& r) {
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(std::regex_match(r.out, std::regex(R"(\{"Version":1,"AccessKeyId":"ASIA[0-9A-F]{16}",.*\}\n)")));
}

}  // namespace

TEST_CASE("transport: a private CA is trusted from --ca-bundle, then AWS_CA_BUNDLE, then SSL_CERT_FILE", "[cli][transport]") {
    TempDir t;
    make_pki(t);
    make_tls(t);
    Background fake(fake_cmd("fake.log", true), t.path(), "PORT");
    const std::string url = "https://127.0.0.1:" + std::to_string(fake.port());

    // The system's store does not hold the private CA: refused, saying how to trust it.
    const auto refused = pk(t, "", session(url));
    INFO(refused.err << fake.err());
    CHECK(refused.code == 1);
    CHECK(refused.out.empty());
    CHECK_THAT(refused.err, Catch::StartsWith("pkitool: error: " + url + ": request failed: SSL certificate problem: "));
    CHECK_THAT(refused.err, Catch::Contains("\nhint: its TLS certificate was checked against the system's CA store\n"
                                            "hint: to trust the private CA that signed it, give its certificate: --ca-bundle CA.pem, "
                                            "or AWS_CA_BUNDLE=CA.pem\n"
                                            "hint: --no-verify-ssl skips the check (testing only)\n"));
    CHECK(slurp(t / "fake.log").empty());

    check_credentials(pk(t, "", session(url) + " --ca-bundle tls-ca.crt"));
    check_credentials(pk(t, "AWS_CA_BUNDLE=tls-ca.crt", session(url)));
    check_credentials(pk(t, "SSL_CERT_FILE=" + (t / "tls-ca.crt").string(), session(url)));
    CHECK(lines(slurp(t / "fake.log")) == 3);  // each one reached the endpoint

    // The order: the flag over AWS_CA_BUNDLE over SSL_CERT_FILE; the one chosen replaces the others.
    check_credentials(pk(t, "AWS_CA_BUNDLE=other-ca.crt SSL_CERT_FILE=other-ca.crt", session(url) + " --ca-bundle tls-ca.crt"));
    const auto flag_wins = pk(t, "AWS_CA_BUNDLE=tls-ca.crt", session(url) + " --ca-bundle other-ca.crt");
    CHECK(flag_wins.code == 1);
    CHECK_THAT(flag_wins.err, Catch::Contains("hint: its TLS certificate was checked against the CAs in other-ca.crt\n"));
    check_credentials(pk(t, "AWS_CA_BUNDLE=tls-ca.crt SSL_CERT_FILE=other-ca.crt", session(url)));
    const auto aws_wins = pk(t, "AWS_CA_BUNDLE=other-ca.crt SSL_CERT_FILE=tls-ca.crt", session(url));
    CHECK(aws_wins.code == 1);
    CHECK_THAT(aws_wins.err, Catch::Contains("hint: its TLS certificate was checked against the CAs in other-ca.crt (from AWS_CA_BUNDLE)\n"));
    CHECK(lines(slurp(t / "fake.log")) == 5);

    // The endpoint's name is checked too: the certificate names 127.0.0.1, not localhost.
    const auto wrong_name = pk(t, "", session("https://localhost:" + std::to_string(fake.port())) + " --ca-bundle tls-ca.crt");
    CHECK(wrong_name.code == 1);
    CHECK_THAT(wrong_name.err, Catch::Contains("hint: to trust the private CA"));

    // Under the helper's name: the same flag, one log line when refused.
    fs::create_directories(t / "bin");
    fs::create_symlink(PKITOOL_BINARY, t / "bin/aws_signing_helper");
    const std::string helper = "'" + (t / "bin/aws_signing_helper").string() + "' credential-process --certificate ec.crt --private-key ec.key " +
                               kArns + " --endpoint " + url;
    const auto as_helper = shell(env(t) + helper + " --ca-bundle tls-ca.crt", t.path());
    INFO(as_helper.err);
    CHECK(as_helper.code == 0);
    CHECK_THAT(as_helper.out, Catch::StartsWith("{\"Version\":1,"));
    const auto helper_refused = shell(env(t) + helper, t.path());
    CHECK(helper_refused.code == 1);
    CHECK(lines(helper_refused.err) == 1);
    // Worded with the helper's flags, each hint in its own parentheses on the one log line.
    CHECK_THAT(helper_refused.err, Catch::Contains("(hint: to trust the private CA that signed it, give its certificate: --ca-bundle CA.pem") &&
                                       Catch::Contains("(hint: --no-verify-ssl skips the check (testing only))"));
}

TEST_CASE("transport: a CA bundle that cannot be used is one error naming it and who named it", "[cli][transport]") {
    TempDir t;
    make_pki(t);
    must(shell("openssl x509 -in root-ca/ca.crt -outform der -out ca.der", t.path()));
    // Refused before any request: the endpoint is never contacted.
    const std::string s = session("https://127.0.0.1:9");

    const auto missing_env = pk(t, "AWS_CA_BUNDLE=missing.pem", s);
    CHECK(missing_env.code == 1);
    CHECK(missing_env.err == "pkitool: error: AWS_CA_BUNDLE missing.pem: cannot read: No such file or directory\n");
    const auto missing_ssl = pk(t, "SSL_CERT_FILE=/nonexistent/ca.pem", s);
    CHECK(missing_ssl.err == "pkitool: error: SSL_CERT_FILE /nonexistent/ca.pem: cannot read: No such file or directory\n");

    const auto key = pk(t, "", s + " --ca-bundle ec.key");
    CHECK(key.code == 1);
    CHECK_THAT(key.err, Catch::StartsWith("pkitool: error: --ca-bundle ec.key: holds no PEM certificate"));
    const auto der = pk(t, "", s + " --ca-bundle ca.der");
    CHECK(der.code == 1);
    CHECK_THAT(der.err, Catch::StartsWith("pkitool: error: --ca-bundle ca.der: holds no PEM certificate") &&
                            Catch::Contains("hint: convert a DER certificate with: openssl x509 -inform der"));
    // A missing file given on the command line is a usage error, as for every file flag.
    const auto missing_flag = pk(t, "", s + " --ca-bundle missing.pem");
    CHECK(missing_flag.code == 2);
    CHECK_THAT(missing_flag.err, Catch::Contains("--ca-bundle") && Catch::Contains("missing.pem"));
    // Not verifying, pkitool reads no bundle: a stale AWS_CA_BUNDLE does not get in the way.
    const auto unverified = pk(t, "AWS_CA_BUNDLE=missing.pem", s + " --no-verify-ssl");
    CHECK(unverified.code == 1);
    CHECK_THAT(unverified.err, Catch::StartsWith("pkitool: error: https://127.0.0.1:9: request failed: "));
}

TEST_CASE("transport: configure writes --ca-bundle into credential_process, and the AWS CLI gets credentials through it", "[cli][transport]") {
    TempDir t;
    make_pki(t);
    make_tls(t);
    Background fake(fake_cmd("fake.log", true), t.path(), "PORT");
    const std::string url = "https://127.0.0.1:" + std::to_string(fake.port());
    const auto r = pk(t, "", "exchange configure --profile vm --certificate ec.crt --private-key ec.key " + kArns + " --endpoint " + url +
                                 " --ca-bundle tls-ca.crt");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto config = slurp(t / "aws-config");
    INFO(config);
    CHECK_THAT(config, Catch::Contains(" --ca-bundle " + (t / "tls-ca.crt").string()));
    // The AWS CLI runs the line from another directory and prints what the process gave it.
    const auto got = shell(env(t) + aws_cli("configure export-credentials --profile vm"), "/");
    INFO(got.err << fake.err());
    REQUIRE(got.code == 0);
    CHECK_THAT(json::parse(got.out)["AccessKeyId"].get<std::string>(), Catch::StartsWith("ASIA"));
    CHECK(lines(slurp(t / "fake.log")) == 1);
}

TEST_CASE("transport: --with-proxy goes through HTTPS_PROXY or HTTP_PROXY, except NO_PROXY hosts and loopback", "[cli][transport]") {
    TempDir t;
    make_pki(t);
    make_tls(t);
    Background plain(fake_cmd("plain.log", false), t.path(), "PORT");
    Background tls(fake_cmd("tls.log", true), t.path(), "PORT");
    Background proxy("/usr/bin/python3 '" + kProxy + "' --log proxy.log --lifetime 120", t.path(), "PORT");
    const std::string proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
    const std::string http_named = "http://" + kName + ":" + std::to_string(plain.port());
    const std::string https_named = "https://" + kName + ":" + std::to_string(tls.port());
    const auto proxied = [&] { return lines(slurp(t / "proxy.log")); };

    // Plain HTTP: the request in absolute form to HTTP_PROXY (upper case, as the AWS SDKs read it).
    check_credentials(pk(t, "HTTP_PROXY=" + proxy_url, session(http_named) + " --with-proxy"));
    REQUIRE(proxied() == 1);
    CHECK_THAT(slurp(t / "proxy.log"), Catch::StartsWith("POST " + http_named + "/sessions?"));
    // Lower case, and without a scheme (http:// then).
    check_credentials(pk(t, "http_proxy=127.0.0.1:" + std::to_string(proxy.port()), session(http_named) + " --with-proxy"));
    CHECK(proxied() == 2);
    // HTTPS: a CONNECT tunnel to HTTPS_PROXY, the private CA still checked end to end.
    check_credentials(pk(t, "HTTPS_PROXY=" + proxy_url, session(https_named) + " --with-proxy --ca-bundle tls-ca.crt"));
    REQUIRE(proxied() == 3);
    CHECK_THAT(slurp(t / "proxy.log"), Catch::EndsWith("CONNECT " + kName + ":" + std::to_string(tls.port()) + "\n"));
    // A NO_PROXY entry with another port does not match.
    check_credentials(pk(t, "HTTP_PROXY=" + proxy_url + " NO_PROXY=" + kName + ":1", session(http_named) + " --with-proxy"));
    CHECK(proxied() == 4);
    CHECK(lines(slurp(t / "plain.log")) == 3);
    CHECK(lines(slurp(t / "tls.log")) == 1);

    // Not used: without --with-proxy, for a NO_PROXY host, for https with only HTTP_PROXY set. The
    // name then does not resolve, and the proxy sees nothing.
    const std::string both = "HTTP_PROXY=" + proxy_url + " HTTPS_PROXY=" + proxy_url;
    for (const auto& [vars, args] : std::vector<std::pair<std::string, std::string>>{
             {both, session(http_named)},
             {both, session(https_named) + " --ca-bundle tls-ca.crt"},
             {both + " NO_PROXY=example.com,.proxy-test.invalid", session(http_named) + " --with-proxy"},
             {both + " no_proxy=" + kName, session(https_named) + " --with-proxy --ca-bundle tls-ca.crt"},
             {both + " NO_PROXY='*'", session(http_named) + " --with-proxy"},
             {"HTTP_PROXY=" + proxy_url, session(https_named) + " --with-proxy --ca-bundle tls-ca.crt"},
         }) {
        INFO(vars << " " << args);
        const auto direct = pk(t, vars, args);
        CHECK(direct.code == 1);
        CHECK_THAT(direct.err, Catch::Contains(": request failed: ") && !Catch::Contains("through proxy"));
        CHECK(proxied() == 4);
    }
    // Loopback is never proxied, even with --with-proxy: it answers directly.
    check_credentials(pk(t, both, session("http://127.0.0.1:" + std::to_string(plain.port())) + " --with-proxy"));
    CHECK(proxied() == 4);
    CHECK(lines(slurp(t / "plain.log")) == 4);

    // A proxy that cannot be reached is named in the error, without its password.
    const auto down = pk(t, "HTTPS_PROXY=http://user:s3cret@127.0.0.1:9", session(https_named) + " --with-proxy");
    CHECK(down.code == 1);
    CHECK_THAT(down.err, Catch::StartsWith("pkitool: error: " + https_named + ": request failed through proxy http://127.0.0.1:9: "));
    CHECK_THAT(down.err, !Catch::Contains("s3cret"));
}

TEST_CASE("transport: serve --bind ::1 answers on IPv6, and beyond loopback it needs --allow-remote and warns", "[cli][transport][serve]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd("fake.log", false), t.path(), "PORT");
    const std::string serve = "exchange serve --certificate ec.crt --private-key ec.key " + kArns + " --endpoint http://127.0.0.1:" +
                              std::to_string(fake.port()) + " --port 0";
    const auto credentials_at = [&](const std::string& base) {
        const auto token = shell("curl -gs --max-time 10 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' '" + base + "/latest/api/token'", t.path());
        if (token.code != 0 || token.out.empty()) return json();
        const auto c = shell("curl -gs --max-time 10 -H 'X-aws-ec2-metadata-token: " + token.out + "' '" + base +
                                 "/latest/meta-data/iam/security-credentials/TestRole'",
                             t.path());
        return c.code == 0 ? json::parse(c.out, nullptr, false) : json();
    };
    {
        Background v6(env(t) + "'" PKITOOL_BINARY "' " + serve + " --bind ::1", t.path(), "http://");
        const std::string base = "http://[::1]:" + std::to_string(v6.port());
        CHECK(v6.ready_line() == base);
        const auto c = credentials_at(base);
        INFO(v6.err() << fake.err());
        CHECK(c.value("Code", "") == "Success");
        CHECK(v6.err().find("warning") == std::string::npos);
        // IPv6 only: nothing answers on 127.0.0.1 at that port.
        CHECK(shell("curl -s --max-time 5 http://127.0.0.1:" + std::to_string(v6.port()) + "/latest/api/token -X PUT", t.path()).code != 0);
        // The AWS CLI's IMDS provider reads the credentials from the IPv6 endpoint.
        const auto cli = shell(env(t) + "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + base + "/ " + aws_cli("configure export-credentials"), "/");
        INFO(cli.err);
        REQUIRE(cli.code == 0);
        CHECK(json::parse(cli.out)["AccessKeyId"] == c["AccessKeyId"]);
    }
    for (const char* address : {"0.0.0.0", "::", "192.0.2.1"}) {
        INFO(address);
        const auto refused = pk(t, "", serve + " --bind " + address);
        CHECK(refused.code == 2);
        CHECK_THAT(refused.err, Catch::StartsWith(std::string("pkitool: error: --bind ") + address +
                                                  ": not a loopback address: anyone who can reach it would get the role's credentials\n"
                                                  "hint: pass --allow-remote"));
    }
    for (const char* address : {"localhost", "127.1", "[::1]"}) {
        INFO(address);
        const auto bad = pk(t, "", serve + " --bind '" + address + "'");
        CHECK(bad.code == 2);
        CHECK_THAT(bad.err, Catch::Contains("not an IPv4 or IPv6 address"));
    }
    {
        Background any(env(t) + "'" PKITOOL_BINARY "' " + serve + " --bind 0.0.0.0 --allow-remote", t.path(), "http://");
        const std::string port = std::to_string(any.port());
        CHECK(any.ready_line() == "http://0.0.0.0:" + port);
        CHECK(credentials_at("http://127.0.0.1:" + port).value("Code", "") == "Success");
        CHECK_THAT(any.err(), Catch::Contains("pkitool: warning: serving beyond this host at http://0.0.0.0:" + port +
                                              ": anyone who can reach it gets the credentials of role TestRole"));
    }

    // Under the helper's name: the same flags, its log lines.
    fs::create_directories(t / "bin");
    fs::create_symlink(PKITOOL_BINARY, t / "bin/aws_signing_helper");
    const std::string helper = "'" + (t / "bin/aws_signing_helper").string() + "' " + serve.substr(serve.find("serve"));
    {
        std::ofstream(t / "helper.sh") << "exec " << env(t) << helper << " --bind ::1 2>&1\n";
        Background h("sh helper.sh", t.path(), "export AWS_EC2_METADATA_SERVICE_ENDPOINT=");
        std::smatch m;
        const std::string ready = h.ready_line();
        REQUIRE(std::regex_search(ready, m, std::regex(R"(export AWS_EC2_METADATA_SERVICE_ENDPOINT=(http://\[::1\]:\d+)/$)")));
        CHECK(credentials_at(m[1]).value("Code", "") == "Success");
    }
    const auto helper_refused = shell(env(t) + helper + " --bind 0.0.0.0", t.path());
    CHECK(helper_refused.code == 1);  // the helper's one exit code for every failure
    CHECK(lines(helper_refused.err) == 1);
    CHECK_THAT(helper_refused.err, Catch::Contains("--bind 0.0.0.0: not a loopback address") && Catch::Contains("--allow-remote"));
}
