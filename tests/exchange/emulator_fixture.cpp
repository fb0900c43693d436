// openssl-made certificates and signed CreateSession requests for the emulator tests.
#include "tests/exchange/emulator_fixture.h"

#include "exchange/arn.h"
#include "issue/random.h"
#include "base/pem.h"

#include <botan/bigint.h>
#include <botan/hex.h>
#include <botan/pubkey.h>

#include <fstream>
#include <stdexcept>

namespace pkitool::test {

namespace {

constexpr const char* kScript = R"SH(
set -e
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = root
[ root ]
dir = .
database = index.txt
new_certs_dir = newcerts
certificate = root.crt
private_key = root.key
serial = serial
crlnumber = crlnumber
default_md = sha256
default_days = 30
default_crl_days = 30
policy = any
unique_subject = no
[ any ]
commonName = supplied
organizationName = optional
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ nods ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyEncipherment
extendedKeyUsage = clientAuth
[ subca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
mkdir newcerts; touch index.txt; echo 1000 > serial; echo 01 > crlnumber
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca_root() { # name subject
  ec $1.key
  openssl req -x509 -new -key $1.key -subj "$2" -days 30 -sha256 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out $1.crt
}
ca_root root "/CN=Test Root CA"
ca_root other "/CN=Other Root CA"
# signed by the root through `openssl ca` (it tracks revocation): name subject keyalg [extra args]
leaf() {
  n=$1; s=$2; k=$3; shift 3
  if [ $k = rsa ]; then openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $n.key 2>/dev/null; else ec $n.key; fi
  openssl req -new -key $n.key -subj "$s" -out $n.csr
  openssl ca -batch -config ca.cnf -in $n.csr -out $n.crt -notext "$@" 2>/dev/null
}
leaf ec "/CN=MyOnpremVM/O=Example" ec -extensions leaf
leaf rsa "/CN=rsa-vm" rsa -extensions leaf
leaf intca "/CN=Test Issuing CA" ec -extensions subca
leaf expired "/CN=expired-vm" ec -extensions leaf -startdate 20200101000000Z -enddate 20200201000000Z
leaf revoked "/CN=revoked-vm" ec -extensions leaf
leaf sha1 "/CN=sha1-vm" ec -extensions leaf -md sha1
leaf nods "/CN=nods-vm" ec -extensions nods
leaf othercn "/CN=SomeOtherVM" ec -extensions leaf
openssl ca -batch -config ca.cnf -revoke revoked.crt 2>/dev/null
openssl ca -batch -config ca.cnf -gencrl -out crl.pem 2>/dev/null
# under the issuing CA, and under another CA: plain `openssl x509 -req`
for n in sub:intca foreign:other; do
  name=${n%%:*}; issuer=${n##*:}
  ec $name.key
  openssl req -new -key $name.key -subj "/CN=$name-vm" -out $name.csr
  openssl x509 -req -in $name.csr -CA $issuer.crt -CAkey $issuer.key -set_serial 0x5A5A5A5A -days 30 -sha256 -extfile ca.cnf -extensions leaf -out $name.crt 2>/dev/null
done
)SH";

}  // namespace

const EmulatorFixture& EmulatorFixture::get() {
    static const EmulatorFixture f;
    return f;
}

EmulatorFixture::EmulatorFixture() : dir_(dir_holder_.path()) {
    std::ofstream(dir_ / "make.sh") << kScript;
    const auto r = shell("bash make.sh", dir_);
    if (r.code != 0) throw std::runtime_error("openssl fixture script failed: " + r.err);
}

Botan::X509_Certificate EmulatorFixture::cert(const std::string& name) const { return pem::load_certificate(dir_ / (name + ".crt")); }

issue::PrivateKey EmulatorFixture::key(const std::string& name) const { return issue::PrivateKey::load(dir_ / (name + ".key"), std::nullopt); }

exchange::EmulatorConfig EmulatorFixture::config() const {
    auto c = exchange::quick_emulator_config(dir_ / "root.crt", {dir_ / "crl.pem"});
    exchange::EmulatedRole only;
    only.name = "OnlyMyOnpremVM";
    only.arn = exchange::role_arn(c.account, only.name);
    only.trust_policy = exchange::TrustPolicy::allowing_rolesanywhere(R"({"StringEquals":{"aws:PrincipalTag/x509Subject/CN":"MyOnpremVM"}})");
    c.roles.push_back(only);
    c.profiles[0].role_arns.push_back(only.arn);
    auto add_profile = [&](const std::string& name, int seconds, bool enabled) {
        exchange::EmulatedProfile p;
        p.name = name;
        p.arn = exchange::profile_arn(c.region, c.account, exchange::stable_uuid("test/" + name));
        p.duration_seconds = seconds;
        p.enabled = enabled;
        p.role_arns = {c.roles[0].arn};
        c.profiles.push_back(p);
    };
    add_profile("short", 900, true);
    add_profile("disabled", 3600, false);
    return c;
}

exchange::HttpRequest session_request(const std::string& name, const std::string& profile_arn, const std::string& role_arn,
                                      const std::string& anchor_arn, const std::string& body, std::chrono::system_clock::time_point when,
                                      const std::vector<std::string>& intermediates) {
    const auto& f = EmulatorFixture::get();
    exchange::HttpRequest req;
    req.path = "/sessions";
    req.query = {{"profileArn", profile_arn}, {"roleArn", role_arn}, {"trustAnchorArn", anchor_arn}};
    req.body = body;
    std::vector<Botan::X509_Certificate> chain;
    for (const auto& i : intermediates) chain.push_back(f.cert(i));
    exchange::sign_x509(req, f.key(name), f.cert(name), chain, "127.0.0.1:9912", "us-east-1", when);
    return req;
}

void resign(exchange::HttpRequest& req, const issue::PrivateKey& key, const Botan::X509_Certificate& leaf,
            const std::vector<std::string>& signed_headers) {
    const auto algorithm = exchange::x509_algorithm(key.botan());
    const std::string algorithm_name = exchange::to_string(algorithm);
    const std::string date = *req.header("X-Amz-Date");
    const std::string scope = exchange::credential_scope(date.substr(0, 8), "us-east-1", "rolesanywhere");
    const std::string sts = exchange::string_to_sign(algorithm_name, date, scope, exchange::canonical_request(req, signed_headers));
    const bool ec = algorithm == exchange::SigningAlgorithm::X509Ecdsa;
    Botan::PK_Signer signer(key.botan(), issue::rng(), ec ? "EMSA1(SHA-256)" : "EMSA3(SHA-256)", ec ? Botan::DER_SEQUENCE : Botan::IEEE_1363);
    const auto sig = signer.sign_message(reinterpret_cast<const uint8_t*>(sts.data()), sts.size(), issue::rng());
    std::string names;
    for (const auto& h : signed_headers) names += (names.empty() ? "" : ";") + h;
    req.set_header("Authorization", algorithm_name + " Credential=" + Botan::BigInt(leaf.serial_number()).to_dec_string() + "/" + scope +
                                        ", SignedHeaders=" + names + ", Signature=" + Botan::hex_encode(sig, false));
}

}  // namespace pkitool::test
