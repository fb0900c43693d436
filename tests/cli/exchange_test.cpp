// End to end: `pkitool exchange` against an independent fake Roles Anywhere endpoint written in
// Python with cryptography + botocore (tests/exchange/fake_rolesanywhere.py), and the AWS CLI v2.
#include "tests/support/background.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

using namespace pkitool::test;

namespace {

const std::string kFake = PKITOOL_SOURCE_DIR "/tests/exchange/fake_rolesanywhere.py";
const std::string kArns =
    "--trust-anchor-arn arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta "
    "--profile-arn arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p "
    "--role-arn arn:aws:iam::123456789012:role/TestRole";

// A private HOME and cache per test, and no AWS settings leaking in from the developer's shell.
std::string env(const TempDir& t) {
    return "env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_REGION "
           "-u AWS_DEFAULT_REGION HOME='" + t.path().string() + "' XDG_CACHE_HOME='" + (t / "cache").string() +
           "' AWS_CONFIG_FILE='" + (t / "aws-config").string() + "' AWS_SHARED_CREDENTIALS_FILE='" + (t / "aws-credentials").string() + "' ";
}

Result pk(const TempDir& t, const std::string& args) { return shell(env(t) + "'" PKITOOL_BINARY "' " + args, t.path()); }



// An intermediate under root-ca and a leaf under it, made with the openssl command.
void make_intermediate(const TempDir& t) {
    must(shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out int.key 2>/dev/null && "
               "openssl req -new -key int.key -subj /CN=Test-Issuing-CA -out int.csr && "
               "printf 'basicConstraints=critical,CA:TRUE,pathlen:0\\nkeyUsage=critical,keyCertSign,cRLSign\\n' > int.ext && "
               "openssl x509 -req -in int.csr -CA root-ca/ca.crt -CAkey root-ca/private/ca.key -set_serial 0x4001 -days 30 -sha256 "
               "-extfile int.ext -out int.crt 2>/dev/null && "
               "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key 2>/dev/null && "
               "openssl req -new -key leaf.key -subj /CN=chained-vm -out leaf.csr && "
               "printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\nextendedKeyUsage=clientAuth\\n' > leaf.ext && "
               "openssl x509 -req -in leaf.csr -CA int.crt -CAkey int.key -set_serial 0x5002 -days 30 -sha256 -extfile leaf.ext -out leaf.crt 2>/dev/null",
               t.path()));
}

std::string fake_cmd(const std::string& extra = "") {
    return "/usr/bin/python3 '" + kFake + "' --anchor root-ca/ca.crt --log fake.log --lifetime 120 " + extra;
}

std::string exchange_args(const std::string& leaf, int port) {
    return "--certificate " + leaf + ".crt --private-key " + leaf + ".key " + kArns + " --endpoint http://127.0.0.1:" + std::to_string(port);
}

std::vector<nlohmann::json> fake_log(const TempDir& t) {
    std::vector<nlohmann::json> entries;
    std::istringstream in(slurp(t / "fake.log"));
    for (std::string line; std::getline(in, line);) entries.push_back(nlohmann::json::parse(line));
    return entries;
}

// The process credential provider's JSON (AWS SDKs and Tools Reference Guide): exactly these keys in this order, nothing else.
void check_credential_json(const std::string& out) {
    static const std::regex shape(
        R"(\{"Version":1,"AccessKeyId":"ASIA[0-9A-F]{16}","SecretAccessKey":"[^"]+","SessionToken":"FAKE[^"]+","Expiration":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}\n)");
    INFO(out);
    CHECK(std::regex_match(out, shape));
}

}  // namespace

TEST_CASE("exchange credential-process: EC and RSA leaves verified by the independent Python endpoint", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    const auto ec = pk(t, "exchange credential-process --no-cache " + exchange_args("ec", fake.port()));
    INFO(ec.err << fake.err());
    REQUIRE(ec.code == 0);
    check_credential_json(ec.out);
    CHECK(ec.err.empty());
    const auto rsa = pk(t, "exchange credential-process --no-cache " + exchange_args("rsa", fake.port()));
    INFO(rsa.err);
    REQUIRE(rsa.code == 0);
    check_credential_json(rsa.out);
    CHECK(ec.out != rsa.out);

    const auto log = fake_log(t);
    REQUIRE(log.size() == 2);
    CHECK(log[0]["algorithm"] == "AWS4-X509-ECDSA-SHA256");
    CHECK(log[1]["algorithm"] == "AWS4-X509-RSA-SHA256");
    CHECK(log[0]["region"] == "eu-west-1");  // from the trust anchor ARN
    CHECK(log[0]["chain"] == 0);
    // Credential= was checked by the endpoint against the serial it decoded; here against openssl's hex.
    const auto serial_hex = shell("openssl x509 -in ec.crt -noout -serial | cut -d= -f2", t.path()).out;
    const auto serial_dec = shell("python3 -c 'print(int(\"" + serial_hex.substr(0, serial_hex.size() - 1) + "\", 16))'", t.path()).out;
    CHECK(log[0]["serial"].get<std::string>() + "\n" == serial_dec);
}

TEST_CASE("exchange credential-process: an intermediate travels in the signed chain header", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    make_intermediate(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    const auto r = pk(t, "exchange credential-process --no-cache --intermediates int.crt " + exchange_args("leaf", fake.port()) + " --session-duration 900");
    INFO(r.err << fake.err());
    REQUIRE(r.code == 0);
    check_credential_json(r.out);
    const auto log = fake_log(t);
    REQUIRE(log.size() == 1);
    CHECK(log[0]["chain"] == 1);
    CHECK(log[0]["duration"] == 900);
    CHECK(log[0]["signed_headers"] == nlohmann::json::array({"content-type", "host", "x-amz-date", "x-amz-x509", "x-amz-x509-chain"}));
    // Without the intermediate, the endpoint cannot link the leaf to the anchor.
    const auto no_chain = pk(t, "exchange credential-process --no-cache " + exchange_args("leaf", fake.port()));
    CHECK(no_chain.code == 1);
    CHECK_THAT(no_chain.err, Catch::Contains("AccessDeniedException: Untrusted signing certificate"));
}

TEST_CASE("exchange credential-process: tampered requests are refused with the service's error", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    for (const std::string mode : {"body", "query", "date", "signature"}) {
        SECTION(mode) {
            Background fake(fake_cmd("--tamper " + mode), t.path(), "PORT");
            const auto r = pk(t, "exchange credential-process --no-cache " + exchange_args(mode == "signature" ? "rsa" : "ec", fake.port()));
            INFO(r.err << fake.err());
            CHECK(r.code == 1);
            CHECK(r.out.empty());
            CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: ") && Catch::Contains("AccessDeniedException: Invalid signature"));
            // pkitool's own diagnosis follows: this certificate is fine by its rules.
            CHECK_THAT(r.err, Catch::Contains("hint: the certificate passes pkitool's rolesanywhere-client rules"));
            CHECK(fake_log(t).empty());
        }
    }
}

TEST_CASE("exchange credential-process: a certificate from another CA is untrusted", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    must(run("ca init --dir other-ca --subject \"CN=Other CA\"", t.path()));
    must(run("issue --ca other-ca --subject CN=stranger --out stranger.crt --key-out stranger.key --yes", t.path()));
    Background fake(fake_cmd(), t.path(), "PORT");
    const auto r = pk(t, "exchange credential-process --no-cache " + exchange_args("stranger", fake.port()));
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("AccessDeniedException: Untrusted signing certificate"));
}

TEST_CASE("exchange credential-process: cache reused across runs, 0600 in a 0700 dir, safe when concurrent", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    const auto args = "exchange credential-process " + exchange_args("ec", fake.port());
    // Four at once, cold: one CreateSession, four identical answers.
    const std::string bin = env(t) + "'" PKITOOL_BINARY "' " + args;
    must(shell("for i in 1 2 3 4; do " + bin + " > out$i & done; wait", t.path()));
    CHECK(fake_log(t).size() == 1);
    const auto first = slurp(t / "out1");
    check_credential_json(first);
    for (const auto* f : {"out2", "out3", "out4"}) CHECK(slurp(t / f) == first);
    // Warm: the same again, no request.
    const auto warm = pk(t, args);
    CHECK(warm.code == 0);
    CHECK(warm.out == first);
    CHECK(fake_log(t).size() == 1);
    CHECK(mode_of(t / "cache/pkitool") == 0700);
    const auto entries = shell("ls cache/pkitool/*.json", t.path()).out;
    REQUIRE(std::count(entries.begin(), entries.end(), '\n') == 1);
    CHECK(mode_of(t / entries.substr(0, entries.size() - 1)) == 0600);
    // --no-cache asks again; another role is another entry.
    const auto fresh = pk(t, args + " --no-cache");
    CHECK(fresh.code == 0);
    CHECK(fresh.out != first);
    CHECK(fake_log(t).size() == 2);
    CHECK(pk(t, args + " --role-session-name other").out != first);
    CHECK(fake_log(t).size() == 3);
}

TEST_CASE("exchange credential-process: --debug shows what was signed, never secrets", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    const auto r = pk(t, "exchange credential-process --no-cache --debug " + exchange_args("rsa", fake.port()));
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("canonical request:\nPOST\n/sessions\nprofileArn=arn%3Aaws%3Arolesanywhere"));
    CHECK_THAT(r.err, Catch::Contains("string to sign:\nAWS4-X509-RSA-SHA256\n"));
    const auto secret = nlohmann::json::parse(r.out)["SecretAccessKey"].get<std::string>();
    CHECK(r.err.find(secret) == std::string::npos);
    CHECK(r.err.find("PRIVATE KEY") == std::string::npos);
    const auto key_b64 = shell("sed -n 2p rsa.key", t.path()).out;
    CHECK(r.err.find(key_b64.substr(0, 40)) == std::string::npos);
}

TEST_CASE("exchange credential-process: bad input fails with one clear line and writes nothing", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    const auto wrong_key = pk(t, "exchange credential-process --certificate ec.crt --private-key rsa.key " + kArns + " --endpoint http://127.0.0.1:9");
    CHECK(wrong_key.code == 1);
    CHECK_THAT(wrong_key.err, Catch::StartsWith("pkitool: error: rsa.key: is not the key of ec.crt"));
    CHECK(wrong_key.out.empty());
    const auto bad_arn = pk(t, "exchange credential-process --certificate ec.crt --private-key ec.key --trust-anchor-arn nope "
                               "--profile-arn p --role-arn arn:aws:iam::1:role/r");
    CHECK(bad_arn.code == 2);
    CHECK_THAT(bad_arn.err, Catch::Contains("--trust-anchor-arn nope"));
    const auto missing = pk(t, "exchange credential-process --certificate nope.crt --private-key ec.key " + kArns);
    CHECK(missing.code == 2);
    // Nothing listening: the URL is named, no cache entry is left behind.
    const auto down = pk(t, "exchange credential-process --certificate ec.crt --private-key ec.key " + kArns + " --endpoint http://127.0.0.1:9");
    CHECK(down.code == 1);
    CHECK_THAT(down.err, Catch::Contains("http://127.0.0.1:9: request failed"));
    CHECK(shell("ls cache/pkitool/*.json", t.path()).code != 0);
    const auto duration = pk(t, "exchange credential-process --certificate ec.crt --private-key ec.key " + kArns + " --session-duration 60");
    CHECK(duration.code == 2);
}

TEST_CASE("exchange serve: IMDSv2 token rules, role and credentials, read by the AWS CLI", "[cli][exchange][serve]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    Background serve(env(t) + "'" PKITOOL_BINARY "' exchange serve --port 0 " + exchange_args("ec", fake.port()), t.path(), "http://127.0.0.1:");
    const std::string base = "http://127.0.0.1:" + std::to_string(serve.port());
    const std::string curl = "curl -s --max-time 10 -o body -w '%{http_code}' ";
    const auto code = [&](const std::string& args) { return shell(curl + args, t.path()).out; };

    CHECK(code("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' -H 'X-Forwarded-For: 10.0.0.1' " + base + "/latest/api/token") == "400");
    CHECK(code("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 0' " + base + "/latest/api/token") == "400");
    CHECK(code("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21601' " + base + "/latest/api/token") == "400");
    CHECK(code("-X PUT --data '' -H 'X-aws-ec2-metadata-token-ttl-seconds: 0' " + base + "/latest/api/token") == "400");  // with Content-Length: the routed path
    // As EC2 answers: no TTL header, an empty one, or an empty X-Forwarded-For (curl's "Name;" sends
    // the header with no value) are refused, and so is a header sent twice.
    CHECK(code("-X PUT " + base + "/latest/api/token") == "400");
    CHECK(code("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds;' " + base + "/latest/api/token") == "400");
    CHECK(code("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' -H 'X-Forwarded-For;' " + base + "/latest/api/token") == "400");
    CHECK(code("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' " + base + "/latest/api/token") == "400");
    CHECK(code(base + "/latest/meta-data/iam/security-credentials/") == "401");  // no IMDSv1
    CHECK(code("-H 'X-aws-ec2-metadata-token: forged' " + base + "/latest/meta-data/iam/security-credentials/TestRole") == "401");
    // EC2's documented form: curl -X PUT with no body and no Content-Length.
    const auto token = shell("curl -s --max-time 10 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' -D headers " + base + "/latest/api/token", t.path());
    REQUIRE(token.code == 0);
    REQUIRE(token.out.size() == 64);
    CHECK_THAT(slurp(t / "headers"), Catch::Contains("X-aws-ec2-metadata-token-ttl-seconds: 60"));
    const std::string auth = "-H 'X-aws-ec2-metadata-token: " + token.out + "' ";
    CHECK(code(auth + base + "/latest/meta-data/iam/security-credentials/") == "200");
    CHECK(slurp(t / "body") == "TestRole");
    CHECK(code(auth + base + "/latest/meta-data/iam/security-credentials/OtherRole") == "404");
    CHECK(code(auth + "-X POST " + base + "/latest/meta-data/iam/security-credentials/TestRole") == "405");  // as EC2 and the helper
    CHECK(code(auth + "-H 'X-Forwarded-For: 1.2.3.4' " + base + "/latest/meta-data/iam/security-credentials/TestRole") == "400");
    REQUIRE(code(auth + base + "/latest/meta-data/iam/security-credentials/TestRole") == "200");
    const auto j = nlohmann::json::parse(slurp(t / "body"));
    CHECK(j["Code"] == "Success");
    CHECK(j["Type"] == "AWS-HMAC");
    CHECK_THAT(j["AccessKeyId"].get<std::string>(), Catch::StartsWith("ASIA"));
    CHECK_THAT(j["Token"].get<std::string>(), Catch::StartsWith("FAKE"));
    CHECK(j.contains("SecretAccessKey"));
    CHECK(j.contains("LastUpdated"));
    CHECK(j.contains("Expiration"));

    // The trailing slash matters: botocore appends "latest/api/token" to the variable as given.
    // The AWS CLI v2 (Debian's, called by path) finds them through the IMDS endpoint variable.
    const auto aws = shell(env(t) + "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + base + "/ /usr/bin/aws configure export-credentials", t.path());
    INFO(aws.err);
    REQUIRE(aws.code == 0);
    const auto exported = nlohmann::json::parse(aws.out);
    CHECK(exported["AccessKeyId"] == j["AccessKeyId"]);
    CHECK(exported["SecretAccessKey"] == j["SecretAccessKey"]);
    CHECK(exported["SessionToken"] == j["Token"]);
    CHECK(fake_log(t).size() == 1);  // served from memory, not one CreateSession per request
}

TEST_CASE("exchange serve: 500 with the reason when no credentials can be had", "[cli][exchange][serve]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd("--fail-after 0"), t.path(), "PORT");
    Background serve(env(t) + "'" PKITOOL_BINARY "' exchange serve --port 0 " + exchange_args("ec", fake.port()), t.path(), "http://127.0.0.1:");
    const std::string base = "http://127.0.0.1:" + std::to_string(serve.port());
    const auto token = shell("curl -s --max-time 10 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' " + base + "/latest/api/token", t.path()).out;
    REQUIRE(token.size() == 64);
    const auto r = shell("curl -s --max-time 10 -o body -w '%{http_code}' -H 'X-aws-ec2-metadata-token: " + token + "' " + base +
                             "/latest/meta-data/iam/security-credentials/TestRole", t.path());
    CHECK(r.out == "500");
    CHECK_THAT(slurp(t / "body"), Catch::Contains("AccessDeniedException: Profile is disabled"));
    CHECK(slurp(t / "body").find("Success") == std::string::npos);
    CHECK_THAT(serve.err(), Catch::Contains("warning: no credentials yet"));
}

// Issue #9: a SIGTERM while serve's first CreateSession waited on a slow endpoint was lost (the
// stop came before the server listened), and serve ran on. Clients that read the URL were left in
// the listen backlog until that CreateSession ended.
TEST_CASE("exchange serve: SIGTERM during a slow first CreateSession stops it promptly", "[cli][exchange][serve][hardening]") {
    TempDir t;
    make_pki(t);
    // An endpoint that accepts connections and never answers.
    std::ofstream(t / "silent.py") << "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen(16)\n"
                                      "print('PORT', s.getsockname()[1], flush=True)\nheld = []\n"
                                      "while True:\n    held.append(s.accept()[0])\n";
    Background silent("/usr/bin/python3 silent.py", t.path(), "PORT");
    const auto r = shell(env(t) + "'" PKITOOL_BINARY "' exchange serve --port 0 " + exchange_args("ec", silent.port()) +
                             " > serve.out 2> serve.err & pid=$!\n"
                             "for i in $(seq 200); do grep -q http serve.out && break; sleep 0.05; done\n"
                             "sleep 0.5\n"  // the first CreateSession is now waiting on the silent endpoint
                             // ... and the server already answers what needs no credentials.
                             "token=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "
                             "$(head -1 serve.out)/latest/api/token)\n"
                             "start=$(date +%s%N); kill -TERM $pid; wait $pid; rc=$?; end=$(date +%s%N)\n"
                             "echo \"$rc $(( (end - start) / 1000000 )) $token\"",
                         t.path());
    INFO(r.err << slurp(t / "serve.err"));
    REQUIRE(r.code == 0);
    int rc = -1, ms = -1;
    std::string token_status;
    std::istringstream(r.out) >> rc >> ms >> token_status;
    INFO("exit " << rc << " after " << ms << " ms");
    CHECK(rc == 0);
    CHECK(token_status == "200");  // served while the first CreateSession still waited
    CHECK(ms < 5000);  // the transfer timeout is 30 s; curl's progress callback aborts within ~1 s
    CHECK_THAT(slurp(t / "serve.out"), Catch::StartsWith("http://127.0.0.1:"));
}

TEST_CASE("exchange serve: slow connections and chunked bodies do not get through", "[cli][exchange][serve][hardening]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    Background serve(env(t) + "'" PKITOOL_BINARY "' exchange serve --port 0 " + exchange_args("ec", fake.port()), t.path(), "http://127.0.0.1:");
    const std::string port = std::to_string(serve.port());
    const auto attack = [&](const std::string& args) {
        const auto r = shell("timeout 90 /usr/bin/python3 '" PKITOOL_SOURCE_DIR "/tests/support/http_attacks.py' " + args, t.path());
        INFO(r.err);
        REQUIRE(r.code == 0);
        return nlohmann::json::parse(r.out);
    };
    const auto starve = attack("starve " + port + " 200 imds");
    INFO(starve.dump());
    CHECK(starve["status"] == 200);  // a token, answered while 200 connections idle or trickle
    CHECK(starve["seconds"].get<double>() < 5.0);
    // The token path takes no body: a chunked one is refused at its first chunk (it was 200).
    const auto chunked = attack("chunked " + port + " PUT /latest/api/token 200");
    INFO(chunked.dump());
    CHECK(chunked["status"] == 413);
    CHECK(chunked["sent_mb"].get<double>() < 200);
}

TEST_CASE("exchange configure: credential_process profile used by the AWS CLI", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    std::ofstream(t / "aws-config") << "# mine\n[default]\nregion = us-east-1\n\n[profile keep]\noutput = json\n";
    must(pk(t, "exchange configure --profile p " + exchange_args("ec", fake.port())));
    const auto config = slurp(t / "aws-config");
    CHECK_THAT(config, Catch::StartsWith("# mine\n[default]\nregion = us-east-1\n\n[profile keep]\noutput = json\n"));
    CHECK_THAT(config, Catch::Contains("[profile p]\ncredential_process = " PKITOOL_BINARY " exchange credential-process --certificate " +
                                       (t / "ec.crt").string() + " --private-key " + (t / "ec.key").string()));
    CHECK(mode_of(t / "aws-config") == 0600);
    // The region comes along (the trust anchor ARN's, eu-west-1), so `--profile p` alone is enough for the AWS CLI.
    const auto region = shell("env -i PATH=/usr/bin:/bin HOME=" + t.path().string() + " AWS_CONFIG_FILE=" + (t / "aws-config").string() +
                                  " /usr/bin/aws configure get region --profile p",
                              "/");
    CHECK(region.out == "eu-west-1\n");

    // The AWS CLI runs pkitool from another directory and prints what it got.
    const auto aws = shell(env(t) + "/usr/bin/aws configure export-credentials --profile p", "/");
    INFO(aws.err << fake.err());
    REQUIRE(aws.code == 0);
    const auto exported = nlohmann::json::parse(aws.out);
    CHECK_THAT(exported["AccessKeyId"].get<std::string>(), Catch::StartsWith("ASIA"));
    // Same as credential-process prints now: it came from pkitool's cache.
    const auto direct = pk(t, "exchange credential-process " + exchange_args("ec", fake.port()));
    CHECK(nlohmann::json::parse(direct.out)["AccessKeyId"] == exported["AccessKeyId"]);
    CHECK(fake_log(t).size() == 1);
}

TEST_CASE("exchange update --once: writes the profile, keeps the rest, 0600, two at once", "[cli][exchange]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    const std::string original = "# hand-written\n[default]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n";
    std::ofstream(t / "aws-credentials") << original;
    const std::string bin = env(t) + "'" PKITOOL_BINARY "' exchange update --once " + exchange_args("ec", fake.port());
    must(shell(bin + " --profile a & " + bin + " --profile b & wait; " + bin + " --profile c", t.path()));
    const auto text = slurp(t / "aws-credentials");
    CHECK_THAT(text, Catch::StartsWith(original));
    for (const auto* p : {"[a]\naws_access_key_id = ASIA", "[b]\naws_access_key_id = ASIA", "[c]\naws_access_key_id = ASIA"})
        CHECK_THAT(text, Catch::Contains(p));
    CHECK(std::count(text.begin(), text.end(), '[') == 4);
    CHECK(mode_of(t / "aws-credentials") == 0600);
    // The AWS CLI reads the profile back.
    const auto aws = shell(env(t) + "/usr/bin/aws configure export-credentials --profile c", t.path());
    INFO(aws.err);
    REQUIRE(aws.code == 0);
    CHECK_THAT(aws.out, Catch::Contains("\"AccessKeyId\": \"ASIA"));
}

TEST_CASE("exchange: every subcommand has help with examples", "[cli][exchange]") {
    TempDir t;
    for (const auto* sub : {"credential-process", "serve", "update", "configure"}) {
        const auto r = run(std::string("exchange ") + sub + " --help", t.path());
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains("Examples:") && Catch::Contains("--trust-anchor-arn"));
    }
}

TEST_CASE("exchange configure --json and update --json: what was written, never a secret", "[cli][exchange][json]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd(), t.path(), "PORT");
    auto r = pk(t, "exchange configure --profile p --json " + exchange_args("ec", fake.port()));
    must(r);
    const auto configured = nlohmann::json::parse(r.out);
    CHECK(configured["file"] == (t / "aws-config").string());
    CHECK(configured["profile"] == "p");
    CHECK(configured["section"] == "profile p");
    CHECK(configured["keys"] == nlohmann::json::array({"credential_process", "region"}));
    CHECK(configured["region"] == "eu-west-1");
    // The command line is the one the file holds, as the AWS CLI reads it back.
    const auto got = shell("env -i PATH=/usr/bin:/bin HOME=" + t.path().string() + " AWS_CONFIG_FILE=" + (t / "aws-config").string() +
                               " /usr/bin/aws configure get credential_process --profile p",
                           "/");
    CHECK(got.out == configured["credential_process"].get<std::string>() + "\n");

    r = pk(t, "exchange update --once --profile vm --json " + exchange_args("ec", fake.port()));
    must(r);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);  // one JSON line per write
    const auto updated = nlohmann::json::parse(r.out);
    CHECK(updated["file"] == (t / "aws-credentials").string());
    CHECK(updated["profile"] == "vm");
    CHECK(updated["keys"] == nlohmann::json::array({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}));
    CHECK(updated["next_refresh"].is_null());
    CHECK(std::regex_match(updated["expiration"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    // None of the values the AWS CLI reads back from the file is in the output.
    const auto aws = shell(env(t) + "/usr/bin/aws configure export-credentials --profile vm", t.path());
    REQUIRE(aws.code == 0);
    const auto exported = nlohmann::json::parse(aws.out);
    for (const auto* key : {"AccessKeyId", "SecretAccessKey", "SessionToken"})
        CHECK_THAT(r.out, !Catch::Contains(exported[key].get<std::string>()));
    CHECK(r.err.empty());
}

// Issue #13: serve picks up a renewed certificate and key from disk without a restart, and never
// signs with a pair whose key is not the certificate's. The fake's credentials expire in 60 s,
// within the 5-minute refresh margin, so every request below is a fresh CreateSession, and the
// fake's log says which certificate signed it (Credential= is its serial in decimal).
TEST_CASE("exchange serve: a renewed certificate is picked up, a mismatched pair is not", "[cli][exchange][serve][renewal]") {
    TempDir t;
    make_pki(t);
    Background fake(fake_cmd("--expires-in 60"), t.path(), "PORT");
    Background serve(env(t) + "'" PKITOOL_BINARY "' exchange serve --port 0 " + exchange_args("ec", fake.port()), t.path(), "http://127.0.0.1:");
    const std::string base = "http://127.0.0.1:" + std::to_string(serve.port());
    const auto token = shell("curl -s --max-time 10 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' " + base + "/latest/api/token", t.path()).out;
    REQUIRE(token.size() == 64);
    const auto fetch = [&] {
        return shell("curl -s --max-time 10 -o body -w '%{http_code}' -H 'X-aws-ec2-metadata-token: " + token + "' " + base +
                         "/latest/meta-data/iam/security-credentials/TestRole", t.path()).out;
    };
    const auto signed_by = [&] {
        const auto log = fake_log(t);
        REQUIRE(!log.empty());
        return log.back()["serial"].get<std::string>();
    };
    const auto decimal = [&](const std::string& cert) {
        auto out = shell("/usr/bin/python3 -c 'import sys; print(int(sys.argv[1], 16))' " + openssl_serial(cert, t), t.path()).out;
        return out.substr(0, out.find('\n'));
    };
    const auto warnings = [&] {
        const auto err = serve.err();
        size_t n = 0;
        for (auto at = err.find("renewed files not used"); at != std::string::npos; at = err.find("renewed files not used", at + 1)) ++n;
        return n;
    };

    REQUIRE(fetch() == "200");
    const auto original = decimal("ec.crt");
    CHECK(signed_by() == original);

    // Renewed with the same key and put in place by rename, as a deploy script does.
    must(run("csr new --key ec.key --subject CN=ec-vm --out ec.csr", t.path()));
    must(run("issue --ca root-ca --csr ec.csr --out renewed.crt --yes", t.path()));
    must(shell("mv renewed.crt ec.crt", t.path()));
    REQUIRE(fetch() == "200");
    const auto renewed = decimal("ec.crt");
    const auto renewed_hex = openssl_serial("ec.crt", t);
    CHECK(renewed != original);
    CHECK(signed_by() == renewed);

    // A certificate for a new key copied over ec.crt, the key not yet: the previous pair signs on,
    // and one warning says why, however many requests follow.
    must(run("issue --ca root-ca --subject CN=ec-vm --out other.crt --key-out other.key --yes", t.path()));
    must(shell("cp other.crt ec.crt", t.path()));
    REQUIRE(fetch() == "200");
    CHECK(signed_by() == renewed);
    REQUIRE(fetch() == "200");
    CHECK(signed_by() == renewed);
    INFO(serve.err());
    CHECK_THAT(serve.err(), Catch::Contains("pkitool: warning: renewed files not used: ec.key: is not the key of ec.crt; still signing "
                                            "with the previous certificate (serial " + renewed_hex + ")"));
    CHECK(warnings() == 1);
    CHECK(serve.err().find("PRIVATE KEY") == std::string::npos);

    // The new key arrives: the pair matches and signs from the next request on.
    must(shell("cp other.key ec.key", t.path()));
    REQUIRE(fetch() == "200");
    CHECK(signed_by() == decimal("other.crt"));
    CHECK(warnings() == 1);
}
