// Benchmark helper for bench/lint.sh: makes a directory of certificates with pkitool's own signing
// code, and measures the raw Botan baseline (read + parse + X509_Object::check_signature) over it.
#include "ca/certificate_template.h"
#include "issue/key.h"
#include "base/pem.h"
#include "base/files.h"
#include "profiles/profile.h"

#include <botan/x509cert.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace pkitool;
// Process CPU time, not wall time: the machine may be shared, and the targets are per core.
struct SteadyClock {
    static double now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }
};

namespace {

int generate(const fs::path& dir, size_t n) {
    fs::create_directories(dir / "certs");
    const auto now = ca::Clock::now();
    const auto ca_key = issue::PrivateKey::generate(issue::KeyType::default_type());
    const auto subject = issue::Subject::parse("CN=Bench Root CA,O=Example");
    const auto ca_pub = issue::SubjectKey::of(ca_key.public_key());
    const ca::Issuer self{subject.dn(), ca_pub.key_id, &ca_key.botan(), "SHA-256"};
    const ca::CertificateTemplate root{subject, {}, ca_pub, profiles::builtin(profiles::Builtin::RootCa), now - ca::kBackdate, now + std::chrono::days(3650)};
    ca::Signer signer(self);
    const auto root_cert = signer.sign(root, issue::Serial::random());
    files::write_atomic(dir / "ca.crt", root_cert.PEM_encode(), files::Mode::Public, files::Overwrite::Yes);
    const auto& client = profiles::builtin(profiles::Builtin::RolesAnywhereClient);
    for (size_t i = 0; i < n; ++i) {
        // A fresh key per certificate, as a fleet would have.
        const auto key = issue::PrivateKey::generate(issue::KeyType::default_type());
        const auto name = "vm-" + std::to_string(i);
        const ca::CertificateTemplate t{issue::Subject::parse("CN=" + name + ",O=Example"), issue::SubjectAltNames::parse({"dns:" + name + ".example"}),
                                        issue::SubjectKey::of(key.public_key()), client, now - ca::kBackdate, now + std::chrono::days(365)};
        char file[32];
        std::snprintf(file, sizeof file, "%06zu.pem", i);
        // Plain writes: throwaway benchmark data needs no fsync per file.
        std::ofstream(dir / "certs" / file) << signer.sign(t, issue::Serial::random()).PEM_encode();
    }
    return 0;
}

// The baseline: what verifying every certificate of a directory costs with Botan and nothing else.
int baseline(const fs::path& certs_dir, const fs::path& ca_file) {
    const auto ca = pem::load_certificate(ca_file);
    std::unique_ptr<Botan::Public_Key> key(ca.subject_public_key());
    std::vector<fs::path> paths;
    for (const auto& e : fs::directory_iterator(certs_dir)) paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());

    // Read + parse alone: the floor under any structural lint.
    const auto tp = SteadyClock::now();
    size_t parsed = 0;
    for (const auto& p : paths) parsed += pem::load_certificates(p).size();
    const auto t0 = SteadyClock::now();
    std::vector<Botan::X509_Certificate> certs;
    certs.reserve(paths.size());
    size_t ok = 0;
    for (const auto& p : paths) {
        certs.push_back(pem::load_certificates(p).front());
        ok += certs.back().check_signature(*key);
    }
    const auto t1 = SteadyClock::now();
    for (const auto& c : certs) ok += c.check_signature(*key);  // verify alone, certificates already parsed
    const auto t2 = SteadyClock::now();
    const auto secs = [](double d) { return d; };
    if (ok != 2 * certs.size()) {
        std::fprintf(stderr, "lint_bench: %zu of %zu signatures failed\n", 2 * certs.size() - ok, 2 * certs.size());
        return 1;
    }
    // Machine-readable for lint.sh, in certificates/s: read+parse, read+parse+verify, verify alone.
    std::printf("%zu %.1f %.1f %.1f\n", certs.size(), parsed / secs(t0 - tp), certs.size() / secs(t1 - t0), certs.size() / secs(t2 - t1));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "generate" && argc == 4) return generate(argv[2], std::stoul(argv[3]));
        if (mode == "baseline" && argc == 4) return baseline(argv[2], argv[3]);
        std::fprintf(stderr, "usage: lint_bench generate DIR N | lint_bench baseline CERTS_DIR CA.crt\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lint_bench: %s\n", e.what());
        return 1;
    }
}
