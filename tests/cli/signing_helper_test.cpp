// pkitool under the name aws_signing_helper (a symlink), driven as AWS documents the helper: a
// ~/.aws/config credential_process line, serve and update as a unit file runs them. Oracles: the
// Debian AWS CLI v2 against `pkitool emulate`, Python `cryptography` for sign-string, openssl for
// read-certificate-data, and the independent fake endpoint for the exact credential_process bytes.
#include "tests/support/background.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

using namespace pkitool::test;
using nlohmann::json;

namespace {

const std::string kFake = PKITOOL_SOURCE_DIR "/tests/exchange/fake_rolesanywhere.py";
const std::string kArns =
    "--trust-anchor-arn arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta "
    "--profile-arn arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p "
    "--role-arn arn:aws:iam::123456789012:role/TestRole";

// One Go log line: "2006/01/02 15:04:05 message\n", and nothing else.
const std::regex kLogLine(R"(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d [^\n]+\n)");

// Verifies a sign-string output with Python's cryptography, computing the fixed string itself from
// the certificate's public key: banner || "1" || SHA-256("IAM RA" || point or PKCS#1 key).
constexpr const char* kVerify = R"PY(
import hashlib, json, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
cert_file, fmt, digest, sig_file = sys.argv[1:5]
pub = x509.load_pem_x509_certificate(open(cert_file, 'rb').read()).public_key()
if isinstance(pub, ec.EllipticCurvePublicKey):
    raw = pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
else:
    raw = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
data = b'AWS Roles Anywhere Credential Helper Signing Test' + b'1' + hashlib.sha256(b'IAM RA' + raw).digest()
out = open(sig_file, 'rb').read()
sig = bytes.fromhex(json.loads(out)) if fmt == 'json' else bytes.fromhex(out.decode('ascii')) if fmt == 'text' else out
h = {'SHA256': hashes.SHA256(), 'SHA384': hashes.SHA384(), 'SHA512': hashes.SHA512()}[digest]
if isinstance(pub, ec.EllipticCurvePublicKey):
    pub.verify(sig, data, ec.ECDSA(h))
else:
    pub.verify(sig, data, padding.PKCS1v15(), h)
print(data.hex())
)PY";

// A private HOME, cache and AWS files; nothing from the developer's shell.
std::string env(const TempDir& t) {
    return "env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_EC2_METADATA_SERVICE_ENDPOINT "
           "HOME='" + t.path().string() + "' XDG_CACHE_HOME='" + (t / "cache").string() + "' AWS_CONFIG_FILE='" + (t / "aws-config").string() +
           "' AWS_SHARED_CREDENTIALS_FILE='" + (t / "aws-credentials").string() + "' AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 ";
}

// bin/aws_signing_helper -> the pkitool under test, as a user installs the drop-in.
std::string install_helper(const TempDir& t) {
    fs::create_directories(t / "bin");
    fs::create_symlink(PKITOOL_BINARY, t / "bin/aws_signing_helper");
    return (t / "bin/aws_signing_helper").string();
}

Result helper(const TempDir& t, const std::string& args, const std::string& dir = "") {
    return shell(env(t) + "'" + (t / "bin/aws_signing_helper").string() + "' " + args, dir.empty() ? t.path() : fs::path(dir));
}




struct Emulator {
    explicit Emulator(const TempDir& t)
        : process("'" PKITOOL_BINARY "' emulate --anchor root-ca/ca.crt --port 0 --json", t.path(), "\"endpoint\"", 60),
          info(json::parse(process.ready_line())) {}
    std::string url() const { return info["endpoint"].get<std::string>(); }
    std::string arns() const {
        return "--trust-anchor-arn " + info["trustAnchorArn"].get<std::string>() + " --profile-arn " + info["profileArn"].get<std::string>() +
               " --role-arn " + info["roleArn"].get<std::string>();
    }
    // STS's ARN for a session of `cert`: the role name and the serial in hex, read by openssl.
    std::string assumed_role_arn(const TempDir& t, const std::string& cert) const {
        const auto serial = shell("openssl x509 -in " + cert + " -noout -serial | cut -d= -f2 | tr -d '\\n'", t.path()).out;
        return "arn:aws:sts::" + info["account"].get<std::string>() + ":assumed-role/pkitool-emulate/" + serial;
    }
    size_t sessions() const {  // CreateSession answers emulate logged
        const auto log = process.err();
        size_t n = 0;
        for (auto at = log.find("POST /sessions 201"); at != std::string::npos; at = log.find("POST /sessions 201", at + 1)) ++n;
        return n;
    }
    Background process;
    json info;
};

void check_log_line(const Result& r, const std::string& message) {
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(std::regex_match(r.err, kLogLine));
    CHECK_THAT(r.err, Catch::Contains(message));
}

}  // namespace

TEST_CASE("signing helper: a ~/.aws/config line written for aws_signing_helper works, and nothing is cached", "[cli][helper]") {
    if (!fs::exists("/usr/bin/aws")) FAIL("/usr/bin/aws (Debian awscli) is required; run .ci/install-deps");
    TempDir t;
    make_pki(t);
    const auto program = install_helper(t);
    Emulator emulate(t);
    // IAM Roles Anywhere User Guide, "Obtaining temporary security credentials": the helper's line,
    // with only the program path ours, and --endpoint to the local emulator.
    std::ofstream(t / "aws-config") << "[profile developer]\ncredential_process = " << program << " credential-process --certificate "
                                    << (t / "ec.crt").string() << " --private-key " << (t / "ec.key").string() << " " << emulate.arns()
                                    << " --endpoint " << emulate.url() << "\n";
    for (int i = 0; i < 2; ++i) {
        const auto who = shell(env(t) + aws_cli("sts get-caller-identity --profile developer --endpoint-url " + emulate.url()), "/");
        INFO(who.err << "\nemulate: " << emulate.process.err());
        REQUIRE(who.code == 0);
        CHECK(json::parse(who.out)["Arn"] == emulate.assumed_role_arn(t, "ec.crt"));
    }
    CHECK(emulate.sessions() == 2);  // one CreateSession per call: the helper has no cache
    CHECK_FALSE(fs::exists(t / "cache/pkitool"));
}

TEST_CASE("signing helper: a PKCS#12 --certificate gives the key, leaf and chain, and credentials from emulate", "[cli][helper]") {
    if (!fs::exists("/usr/bin/aws")) FAIL("/usr/bin/aws (Debian awscli) is required; run .ci/install-deps");
    TempDir t;
    // A leaf under an intermediate: emulate accepts it only with the chain the file carries.
    must(run("ca init --dir root-ca --subject \"CN=Test Root CA\"", t.path()));
    must(run("ca init --dir issuing-ca --parent root-ca --subject \"CN=Test Issuing CA\"", t.path()));
    must(run("issue --ca issuing-ca --subject CN=p12-vm --out vm.crt --key-out vm.key --yes", t.path()));
    install_helper(t);
    std::ofstream(t / "p12.pass") << "s3cret\n";
    // What the helper reads (the empty password, openssl 3's defaults), and files with a password,
    // one of them written by pkitool.
    must(shell("openssl pkcs12 -export -in vm.crt -inkey vm.key -certfile issuing-ca/ca.crt -passout pass: -out empty.p12 && "
               "openssl pkcs12 -export -in vm.crt -inkey vm.key -certfile issuing-ca/ca.crt -passout pass:s3cret -out pass.p12",
               t.path()));
    must(run("export p12 --cert vm.crt --key vm.key --chain issuing-ca/ca.crt --out own.p12 --passphrase-file p12.pass", t.path()));
    Emulator emulate(t);
    const std::string target = " " + emulate.arns() + " --endpoint " + emulate.url();
    static const std::regex shape(R"(\{"Version":1,"AccessKeyId":"[A-Z0-9]+","SecretAccessKey":"[^"]+","SessionToken":"[^"]+","Expiration":"[^"]+"\})");
    for (const std::string args : {"--certificate empty.p12", "--certificate pass.p12 --pkcs8-password s3cret", "--certificate own.p12 --passphrase-file p12.pass"}) {
        INFO(args);
        const auto r = helper(t, "credential-process " + args + target);
        INFO(r.err << "\nemulate: " << emulate.process.err());
        REQUIRE(r.code == 0);
        CHECK(std::regex_match(r.out, shape));
        const auto c = json::parse(r.out);
        const auto who = shell(env(t) + "AWS_ACCESS_KEY_ID=" + c["AccessKeyId"].get<std::string>() + " AWS_SECRET_ACCESS_KEY='" +
                                   c["SecretAccessKey"].get<std::string>() + "' AWS_SESSION_TOKEN='" + c["SessionToken"].get<std::string>() + "' " +
                                   aws_cli("sts get-caller-identity --endpoint-url " + emulate.url()),
                               "/");
        INFO(who.err);
        REQUIRE(who.code == 0);
        CHECK(json::parse(who.out)["Arn"] == emulate.assumed_role_arn(t, "vm.crt"));
    }
    // pkitool's own name takes it the same way; a wrong password is one line.
    const auto own = run("exchange credential-process --no-cache --certificate pass.p12 --passphrase-file p12.pass" + target, t.path());
    INFO(own.err);
    CHECK(own.code == 0);
    check_log_line(helper(t, "credential-process --certificate pass.p12 --pkcs8-password wrong" + target),
                   "pass.p12: wrong password (the PKCS#12 MAC does not verify)");
    check_log_line(helper(t, "credential-process --certificate pass.p12" + target), "pass.p12: the PKCS#12 file is protected by a password");
}

TEST_CASE("signing helper credential-process: the helper's bytes, Expiration as the service wrote it", "[cli][helper]") {
    TempDir t;
    make_pki(t);
    install_helper(t);
    Background fake("/usr/bin/python3 '" + kFake + "' --anchor root-ca/ca.crt --lifetime 120 --expiration-format '%Y-%m-%dT%H:%M:%S.000Z'",
                    t.path(), "PORT");
    const std::string endpoint = " --endpoint http://127.0.0.1:" + std::to_string(fake.port());
    for (const std::string leaf : {"ec", "rsa"}) {
        const auto r = helper(t, "credential-process --certificate " + leaf + ".crt --private-key " + leaf + ".key " + kArns + endpoint);
        INFO(r.err << fake.err());
        REQUIRE(r.code == 0);
        CHECK(r.err.empty());
        static const std::regex shape(
            R"(\{"Version":1,"AccessKeyId":"ASIA[0-9A-F]{16}","SecretAccessKey":"[^"]+","SessionToken":"FAKE[^"]+","Expiration":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z"\})");
        CHECK(std::regex_match(r.out, shape));  // no trailing newline
    }
    // pkitool's own command keeps its newline and its normalised time.
    const auto own = shell(env(t) + "'" PKITOOL_BINARY "' exchange credential-process --no-cache --certificate ec.crt --private-key ec.key " +
                               kArns + endpoint,
                           t.path());
    CHECK(std::regex_match(own.out, std::regex(R"(\{.*"Expiration":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}\n)")));
}

TEST_CASE("signing helper sign-string: json, text and bin signatures verify with Python cryptography", "[cli][helper]") {
    TempDir t;
    make_pki(t);
    install_helper(t);
    // A SEC1 key and a self-signed certificate from openssl, as `openssl ecparam -genkey` users have.
    must(shell("openssl ecparam -genkey -name prime256v1 -noout -out sec1.key && "
               "openssl req -new -x509 -key sec1.key -subj /CN=sec1-vm -days 5 -out sec1.crt",
               t.path()));
    std::ofstream(t / "verify.py") << kVerify;
    std::string data_hex;
    for (const std::string leaf : {"ec", "rsa", "sec1"})
        for (const std::string format : {"json", "text", "bin"})
            for (const std::string digest : {"SHA256", "SHA384", "SHA512"}) {
                INFO(leaf << " " << format << " " << digest);
                std::string args = "sign-string --certificate " + leaf + ".crt --private-key " + leaf + ".key";
                if (format != "json") args += " --format " + format;  // json is the default
                if (digest != "SHA256") args += " --digest " + digest;
                const auto r = shell(env(t) + "bin/aws_signing_helper " + args + " > sig", t.path(), "ignored stdin");
                INFO(r.err);
                REQUIRE(r.code == 0);
                const auto sig = slurp(t / "sig");
                REQUIRE_FALSE(sig.empty());
                if (format != "bin") CHECK(sig.back() != '\n');
                if (format == "json") CHECK(std::regex_match(sig, std::regex(R"("[0-9a-f]+")")));
                if (format == "text") CHECK(std::regex_match(sig, std::regex("[0-9a-f]+")));
                const auto ok = shell("/usr/bin/python3 verify.py " + leaf + ".crt " + format + " " + digest + " sig", t.path());
                INFO(ok.err);
                CHECK(ok.code == 0);
                if (leaf == "ec") data_hex = ok.out;
            }
    // pkitool's own name: hex and a newline; --json names the data signed, as Python computed it.
    const auto own = run("exchange sign-string --private-key ec.key --certificate ec.crt --json", t.path());
    INFO(own.err);
    REQUIRE(own.code == 0);
    const auto j = json::parse(own.out);
    CHECK(j["digest"] == "SHA256");
    CHECK(j["signedData"].get<std::string>() + "\n" == data_hex);
    std::ofstream(t / "sig") << j["signature"].get<std::string>();
    CHECK(shell("/usr/bin/python3 verify.py ec.crt text SHA256 sig", t.path()).code == 0);
    const auto plain = run("exchange sign-string --private-key rsa.key --digest SHA512", t.path());
    REQUIRE(plain.code == 0);
    std::ofstream(t / "sig") << plain.out;
    CHECK(std::regex_match(plain.out, std::regex("[0-9a-f]{512}\n")));
    CHECK(shell("/usr/bin/python3 verify.py rsa.crt text SHA512 sig", t.path()).code == 0);
    CHECK(run("exchange sign-string --private-key rsa.key --digest MD5", t.path()).code == 2);
}

TEST_CASE("signing helper sign-string: --pkcs8-password, and pkitool's passphrase sources too", "[cli][helper]") {
    TempDir t;
    make_pki(t);
    install_helper(t);
    std::ofstream(t / "verify.py") << kVerify;
    must(shell("openssl pkcs8 -topk8 -in ec.key -v2 aes-256-cbc -passout pass:s3cret -out enc.key", t.path()));
    std::ofstream(t / "pass.txt") << "s3cret\n";
    for (const std::string source : {"--pkcs8-password s3cret", "--passphrase-file pass.txt"}) {
        INFO(source);
        must(shell(env(t) + "bin/aws_signing_helper sign-string --certificate ec.crt --private-key enc.key " + source + " --format bin > sig", t.path()));
        CHECK(shell("/usr/bin/python3 verify.py ec.crt bin SHA256 sig", t.path()).code == 0);
    }
    must(shell(env(t) + "PKITOOL_PASSPHRASE=s3cret bin/aws_signing_helper sign-string --certificate ec.crt --private-key enc.key > sig", t.path()));
    CHECK(shell("/usr/bin/python3 verify.py ec.crt json SHA256 sig", t.path()).code == 0);
    must(run("exchange sign-string --private-key enc.key --pkcs8-password s3cret", t.path()));
    check_log_line(helper(t, "sign-string --certificate ec.crt --private-key enc.key --pkcs8-password wrong"), "enc.key: cannot decrypt");
    // Two sources of one secret is a mistake, not a precedence rule to learn.
    check_log_line(helper(t, "sign-string --certificate ec.crt --private-key enc.key --pkcs8-password s3cret --passphrase-file pass.txt"),
                   "excludes");
    // exchange configure will not copy the password into ~/.aws/config.
    const auto configure = run("exchange configure --profile p --certificate ec.crt --private-key enc.key --pkcs8-password s3cret " + kArns, t.path());
    CHECK(configure.code == 2);
    CHECK_THAT(configure.err, Catch::Contains("--pkcs8-password"));
}

TEST_CASE("signing helper read-certificate-data: the helper's JSON, checked with openssl", "[cli][helper]") {
    TempDir t;
    make_pki(t);
    install_helper(t);
    for (const auto& [leaf, type] : {std::pair<std::string, std::string>{"ec", "EC"}, {"rsa", "RSA"}}) {
        const auto r = helper(t, "read-certificate-data --certificate " + leaf + ".crt");
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(std::regex_match(r.out, std::regex(R"(\{"keyType":"[A-Z]+","certificateData":"[A-Za-z0-9+/=]+","serialNumber":"\d+","supportedAlgorithms":\["[A-Z0-9]+","[A-Z0-9]+","[A-Z0-9]+"\]\})")));
        const auto j = json::parse(r.out);
        const auto hex = shell("openssl x509 -in " + leaf + ".crt -noout -serial | cut -d= -f2", t.path()).out;
        const auto decimal = shell("/usr/bin/python3 -c 'print(int(\"" + hex.substr(0, hex.size() - 1) + "\", 16))'", t.path()).out;
        CHECK(j["serialNumber"].get<std::string>() + "\n" == decimal);
        CHECK(j["keyType"] == type);
        CHECK(j["supportedAlgorithms"] == json::array({type + "SHA256", type + "SHA384", type + "SHA512"}));
        const auto der = shell("openssl x509 -in " + leaf + ".crt -outform DER | base64 -w0", t.path()).out;
        CHECK(j["certificateData"] == der);
        // pkitool's own name: the same fields, pretty, with --json.
        const auto own = run("exchange read-certificate-data --certificate " + leaf + ".crt --json", t.path());
        REQUIRE(own.code == 0);
        CHECK(json::parse(own.out) == j);
        CHECK_THAT(run("exchange read-certificate-data --certificate " + leaf + ".crt", t.path()).out,
                   Catch::Contains("serial (decimal): " + decimal));
    }
    check_log_line(helper(t, "read-certificate-data"), "unable to use cert store signer on linux");
    CHECK(run("exchange read-certificate-data", t.path()).code == 2);
}

TEST_CASE("signing helper serve --hop-limit 1 and update --once, run as a unit file would, read by the AWS CLI", "[cli][helper]") {
    TempDir t;
    make_pki(t);
    install_helper(t);
    Emulator emulate(t);
    const std::string files = " --certificate " + (t / "ec.crt").string() + " --private-key " + (t / "ec.key").string() + " " + emulate.arns() +
                              " --endpoint " + emulate.url();
    // ExecStart=/…/aws_signing_helper serve … (absolute paths, from /). The helper logs on stderr:
    // the script hands it to stdout, where Background waits for the line.
    std::ofstream(t / "unit.sh") << "cd / && exec " << env(t) << "'" << (t / "bin/aws_signing_helper").string() << "' serve" << files
                                 << " --port 0 --hop-limit 1 2>&1\n";
    Background serve("sh unit.sh", t.path(), "export AWS_EC2_METADATA_SERVICE_ENDPOINT=", 60);
    INFO(serve.ready_line());
    std::smatch m;
    const std::string ready = serve.ready_line();
    REQUIRE(std::regex_match(ready, m, std::regex(R"(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d export AWS_EC2_METADATA_SERVICE_ENDPOINT=(http://127\.0\.0\.1:\d+/))")));
    const std::string url = m[1];
    const auto token = shell("curl -s --max-time 10 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' " + url + "latest/api/token", t.path());
    REQUIRE(token.code == 0);
    REQUIRE_FALSE(token.out.empty());
    const auto role = shell("curl -s --max-time 10 -H 'X-aws-ec2-metadata-token: " + token.out + "' " + url + "latest/meta-data/iam/security-credentials/",
                            t.path());
    CHECK(role.out == "pkitool-emulate");
    const auto creds = shell("curl -s --max-time 10 -H 'X-aws-ec2-metadata-token: " + token.out + "' " + url +
                                 "latest/meta-data/iam/security-credentials/pkitool-emulate",
                             t.path());
    INFO(creds.out);
    CHECK(json::parse(creds.out)["Code"] == "Success");
    std::ofstream(t / "aws-config") << "";  // only the metadata endpoint can supply credentials
    const auto who = shell(env(t) + "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + url + " " + aws_cli("sts get-caller-identity --endpoint-url " + emulate.url()), "/");
    INFO(who.err << "\nserve: " << serve.err());
    REQUIRE(who.code == 0);
    CHECK(json::parse(who.out)["Arn"] == emulate.assumed_role_arn(t, "ec.crt"));

    // update --once into the default profile (the helper's default), keeping what was there.
    std::ofstream(t / "aws-credentials") << "[other]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n";
    const auto update = helper(t, "update --once" + files, "/");
    INFO(update.err);
    REQUIRE(update.code == 0);
    CHECK(update.out.empty());
    CHECK(update.err.empty());  // silent on success, as the helper
    CHECK_THAT(slurp(t / "aws-credentials"), Catch::StartsWith("[other]\naws_access_key_id = AKIAKEEP\n"));
    const auto from_file = shell(env(t) + aws_cli("sts get-caller-identity --profile default --endpoint-url " + emulate.url()), "/");
    INFO(from_file.err);
    REQUIRE(from_file.code == 0);
    CHECK(json::parse(from_file.out)["Arn"] == emulate.assumed_role_arn(t, "ec.crt"));
    check_log_line(helper(t, "serve" + files + " --hop-limit 0"), "--hop-limit");
}

TEST_CASE("signing helper: every failure is one log line and exit 1, and what pkitool lacks says so", "[cli][helper]") {
    TempDir t;
    make_pki(t);
    install_helper(t);
    const std::string files = "--certificate ec.crt --private-key ec.key ";
    // Usage errors are exit 1 too, as the helper (cobra) exits.
    check_log_line(helper(t, "credential-process --bogus"), "--bogus");
    check_log_line(helper(t, "sign-string " + files + "--digest MD5"), "--digest");
    check_log_line(helper(t, "sign-string " + files + "--format xml"), "--format");
    check_log_line(helper(t, "no-such-command"), "no-such-command");
    check_log_line(helper(t, "credential-process --certificate nope.crt --private-key ec.key " + kArns), "nope.crt");
    check_log_line(helper(t, "credential-process --certificate ec.crt --private-key rsa.key " + kArns), "rsa.key: is not the key of ec.crt");
    check_log_line(helper(t, "credential-process " + files + "--trust-anchor-arn arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta "
                                                             "--profile-arn arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p "
                                                             "--role-arn arn:aws:iam::123456789012:role/r"),
                   "trust anchor and profile regions don't match");
    // The OS certificate store, as the helper fails on Linux.
    for (const std::string& args : std::vector<std::string>{"credential-process " + kArns, "credential-process --cert-selector Key=x509Subject,Value=CN=vm " + kArns,
                                   "credential-process --system-store-name MY " + kArns, "serve --use-latest-expiring-certificate " + kArns,
                                   "sign-string", "update --once " + kArns})
        check_log_line(helper(t, args), "unable to use cert store signer on linux");
    // The helper's mutually exclusive pairs.
    check_log_line(helper(t, "credential-process " + files + "--cert-selector Key=x509Subject,Value=CN=vm " + kArns), "excludes");
    check_log_line(helper(t, "credential-process --cert-selector x --intermediates ec.crt " + kArns), "excludes");
    check_log_line(helper(t, "credential-process " + files + "--tpm-key-password a --no-tpm-key-password " + kArns), "excludes");
    // TPM keys (issue #11; the TPM itself: tpm_exchange_test.cpp): a handle needs one of the two
    // password flags, the flags need a TPM key, and a broken key file is named. PKCS#12 files hold their chain.
    must(shell("printf -- '-----BEGIN TSS2 PRIVATE KEY-----\\nAAAA\\n-----END TSS2 PRIVATE KEY-----\\n' > tpm.key && "
               "openssl pkcs12 -export -in ec.crt -inkey ec.key -passout pass: -out vm.p12",
               t.path()));
    check_log_line(helper(t, "credential-process --certificate ec.crt --private-key handle:0x81000001 " + kArns),
                   "a TPM key handle needs --tpm-key-password PASSWORD or --no-tpm-key-password");
    check_log_line(helper(t, "credential-process --certificate ec.crt --private-key handle:0x01 --no-tpm-key-password " + kArns),
                   "handle:0x01: not a TPM persistent handle");
    check_log_line(helper(t, "credential-process --certificate ec.crt --private-key tpm.key " + kArns), "tpm.key: not a readable TSS2 private key");
    for (const std::string& flag : {"--tpm-key-password x", "--no-tpm-key-password"})
        check_log_line(helper(t, "credential-process " + files + flag + " " + kArns), "is for a TPM 2.0 key");
    check_log_line(helper(t, "credential-process --certificate vm.p12 --intermediates ec.crt " + kArns),
                   "can't specify certificate chain when using PKCS#12 files; certificate bundle should be provided within the PKCS#12 file");
    std::ofstream(t / "noise.p12") << "neither PEM nor DER\n";
    check_log_line(helper(t, "credential-process --certificate noise.p12 " + kArns), "noise.p12: neither a certificate nor a PKCS#12 file");
    check_log_line(helper(t, "credential-process --certificate ec.crt " + kArns), "--private-key is missing");
    check_log_line(helper(t, "sign-string --private-key ec.key"), "undefined certificate value");

    // No command prints help (exit 0); version is the helper release followed, pkitool --version the truth.
    const auto bare = helper(t, "");
    CHECK(bare.code == 0);
    CHECK_THAT(bare.out, Catch::Contains("credential-process") && Catch::Contains("read-certificate-data"));
    const auto version = helper(t, "version");
    CHECK(version.code == 0);
    CHECK(version.out == "1.8.0\n");
    CHECK_THAT(run("--version", t.path()).out, Catch::StartsWith("pkitool "));
    // pkitool's own name keeps its contract: exit 2 and its error prefix for the same mistakes.
    const auto own = run("exchange credential-process --certificate ec.crt --private-key ec.key --cert-selector x " + kArns, t.path());
    CHECK(own.code == 2);
    CHECK_THAT(own.err, Catch::StartsWith("pkitool: error: "));
    const auto own_token = run("exchange credential-process --certificate ec.crt --private-key handle:0x81000001 " + kArns, t.path());
    CHECK(own_token.code == 2);  // a missing flag: usage, in pkitool's own name
    CHECK_THAT(own_token.err, Catch::Contains("a TPM key handle needs --tpm-key-password PASSWORD or --no-tpm-key-password"));
}
