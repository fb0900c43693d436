// The lint driver: reads inputs one file at a time, applies the rules, groups findings by certificate.
#include "profiles/lint.h"

#include "base/pem.h"
#include "issue/x509_file.h"
#include "base/error.h"
#include "base/files.h"
#include "profiles/anchor_bundle.h"
#include "profiles/path_engine.h"
#include "profiles/conformance.h"
#include "profiles/rfc5280.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

namespace pkitool::profiles {

namespace {

// In a directory, only files named like certificates are read: keys and CSRs often sit beside them.
bool looks_like_certificate_file(const fs::path& p) {
    static const std::string_view kExtensions[] = {".pem", ".crt", ".cer", ".der", ".cert"};
    const auto ext = p.extension().string();
    return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

std::vector<fs::path> expand(const fs::path& input) {
    std::error_code ec;
    if (!fs::is_directory(input, ec)) return {input};
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(input, ec))
        if (e.is_regular_file(ec) && looks_like_certificate_file(e.path())) files.push_back(e.path());
    if (ec) throw Error(input.string() + ": cannot list the directory: " + ec.message());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<Botan::X509_Certificate> load_all(const std::vector<fs::path>& paths) {
    std::vector<Botan::X509_Certificate> out;
    for (const auto& p : paths)
        for (auto& c : pem::load_certificates(p)) out.push_back(std::move(c));
    return out;
}

// The PEM text Roles Anywhere would be given: the file itself when it is PEM, else its certificates re-encoded.
size_t pem_chars(const std::vector<uint8_t>& data, const std::vector<Botan::X509_Certificate>& certs) {
    if (pem::is_pem(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()))) return data.size();
    size_t n = 0;
    for (const auto& c : certs) n += c.PEM_encode().size();
    return n;
}

class Grouper {
public:
    explicit Grouper(LintReport& r) : report_(r) {}
    size_t add_item(std::string certificate, std::string source, std::string profile, ItemSource from = ItemSource::File) {
        report_.items.push_back({std::move(certificate), std::move(source), std::move(profile), {}, from});
        return report_.items.size() - 1;
    }
    // An item judged against `profile`, which path findings may already have opened (an anchor).
    size_t own_item(const std::string& certificate, const std::string& source, const std::string& profile) {
        const auto it = support_.find(certificate);
        if (it == support_.end() || !report_.items[it->second].profile.empty()) return add_item(certificate, source, profile);
        report_.items[it->second].source = source;
        report_.items[it->second].profile = profile;
        report_.items[it->second].from = ItemSource::File;
        return it->second;
    }
    // A finding on `own` when it names that item's certificate, else on the (shared) item of the certificate it names.
    // The same finding reached twice (an anchor's validity, from its own rules and from the path) is kept once.
    void add(Finding f, size_t own, const std::string& source, ItemSource from = ItemSource::File) {
        size_t at = own;
        if (report_.items[own].certificate != f.certificate) {
            auto it = support_.find(f.certificate);
            if (it == support_.end()) it = support_.emplace(f.certificate, add_item(f.certificate, source, "", from)).first;
            at = it->second;
        }
        auto& list = report_.items[at].findings;
        const auto same = [&](const Finding& g) { return g.rule == f.rule && g.message == f.message; };
        if (std::find_if(list.begin(), list.end(), same) == list.end()) list.push_back(std::move(f));
    }
    void add_all(std::vector<Finding> fs, size_t own, const std::string& source, ItemSource from = ItemSource::File) {
        for (auto& f : fs) add(std::move(f), own, source, from);
    }

private:
    LintReport& report_;
    std::map<std::string, size_t> support_;
};

}  // namespace

size_t LintReport::count(Severity s) const {
    size_t n = 0;
    for (const auto& i : items)
        for (const auto& f : i.findings) n += f.severity == s;
    return n;
}

std::vector<Finding> lint_certificate(const Botan::X509_Certificate& cert, const Profile& profile, const std::string& label,
                                      Clock::time_point now) {
    auto out = check_conformance(cert, profile, label);
    for (auto& f : check_rfc5280(cert, label)) out.push_back(std::move(f));
    for (auto& f : check_validity(cert, label, now, !profile.is_ca())) out.push_back(std::move(f));
    return out;
}

const Profile& auto_profile(const Botan::X509_Certificate& cert) {
    return builtin(basic_constraints_ca(cert) ? Builtin::RolesAnywhereAnchor : Builtin::RolesAnywhereClient);
}

LintReport lint(const LintRequest& req, const Catalog& catalog) {
    const Profile* fixed = req.profile == "auto" ? nullptr : &catalog.find(req.profile);
    const Profile& anchor_profile = builtin(Builtin::RolesAnywhereAnchor);

    LintReport report;
    Grouper group(report);
    std::optional<TrustAnchors> trust;
    std::optional<PathEngine> chain;
    if (!req.chain.empty() || !req.anchors.empty() || !req.crls.empty()) {
        std::vector<Botan::X509_CRL> crls;
        for (const auto& p : req.crls) crls.push_back(issue::load_crl(p));
        trust.emplace(load_all(req.anchors), std::move(crls));
        chain.emplace(*trust, load_all(req.chain), req.now);
    }

    std::vector<uint8_t> data, der;
    for (const auto& input : req.inputs) {
        for (const auto& file : expand(input)) {
            const std::string source = file.string();
            try {
                files::read_into(file, data);
            } catch (const Error& e) {
                const auto i = group.add_item(source, source, "");
                report.items[i].findings.push_back({"lint.parse", Severity::Error, source, e.what(), "check the path"});
                continue;
            }
            auto read = pem::read_certificates(data, der);
            if (read.other_pem_only && input != file) continue;  // a key or CSR in a directory: not ours to judge
            if (read.other_pem_only) read.problems.push_back("holds no certificate (only other PEM blocks)");
            for (const auto& problem : read.problems) {
                const auto i = group.add_item(source, source, "");
                report.items[i].findings.push_back({"lint.parse", Severity::Error, source, problem,
                                                    "pass a PEM or DER X.509 certificate"});
            }
            for (const auto& cert : read.certs) {
                ++report.certificates;
                const std::string label = certificate_label(cert);
                const Profile& profile = fixed ? *fixed : auto_profile(cert);
                const auto own = group.add_item(label, source, profile.name);
                group.add_all(lint_certificate(cert, profile, label, req.now), own, source);
                if (chain) group.add_all(chain->check(cert, label), own, "", ItemSource::Chain);
            }
        }
    }

    // The trust anchors themselves: what CreateTrustAnchor will be given.
    for (const auto& path : req.anchors) {
        const auto bytes = files::read(path);
        const auto certs = pem::certificates(bytes, files::name_of(path));
        auto bundle = check_anchor_bundle(path.string(), pem_chars(bytes, certs), certs.size());
        if (!bundle.empty()) group.add_all(std::move(bundle), group.add_item(path.string(), path.string(), ""), path.string());
        for (const auto& cert : certs) {
            const std::string label = certificate_label(cert);
            const auto own = group.own_item(label, path.string(), anchor_profile.name);
            group.add_all(lint_certificate(cert, anchor_profile, label, req.now), own, path.string());
        }
    }
    if (chain) {
        const auto crl_findings = chain->check_crls();
        for (const auto& f : crl_findings) {
            const auto i = group.add_item(f.certificate, "", "", ItemSource::Crls);
            report.items[i].findings.push_back(f);
        }
    }
    return report;
}

std::vector<Finding> lint_chain(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& intermediates,
                                const std::vector<Botan::X509_Certificate>& anchors, const std::vector<Botan::X509_CRL>& crls,
                                Clock::time_point now) {
    const std::string label = certificate_label(leaf);
    auto out = lint_certificate(leaf, builtin(Builtin::RolesAnywhereClient), label, now);
    const TrustAnchors trust(anchors, crls);
    PathEngine chain(trust, intermediates, now);
    for (auto& f : chain.check(leaf, label)) out.push_back(std::move(f));
    for (auto& f : chain.check_crls()) out.push_back(std::move(f));
    const auto& anchor_profile = builtin(Builtin::RolesAnywhereAnchor);
    for (const auto& a : anchors)
        for (auto& f : lint_certificate(a, anchor_profile, certificate_label(a), now)) out.push_back(std::move(f));
    return out;
}

}  // namespace pkitool::profiles
