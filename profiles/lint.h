// Lint: every rule pkitool knows, applied to certificate files, a chain, trust anchors and CRLs.
#pragma once

#include "profiles/catalog.h"
#include "profiles/finding.h"
#include "profiles/validity.h"

#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <filesystem>
#include <string>
#include <vector>

namespace pkitool::profiles {

namespace fs = std::filesystem;

// Where a linted item came from: an input or anchor file, or the request's chain or CRLs as a
// whole (a caller names those as it took them: lint's --chain and --crl).
enum class ItemSource { File, Chain, Crls };

// One certificate (or unreadable file) and what was found on it.
struct LintedItem {
    std::string certificate;  // "CN=vm-01 (serial 3A…)", or the file name when it could not be read
    std::string source;       // the file it came from; empty for the chain and the CRLs
    std::string profile;      // the profile it was judged against; empty for chain material and CRLs
    std::vector<Finding> findings;
    ItemSource from = ItemSource::File;
};

struct LintReport {
    std::vector<LintedItem> items;
    size_t certificates = 0;  // input certificates linted
    size_t count(Severity s) const;
    bool has_errors() const { return count(Severity::Error) > 0; }
};

struct LintRequest {
    std::vector<fs::path> inputs;  // files (PEM, DER, bundles) or directories
    std::vector<fs::path> chain;   // intermediates
    std::vector<fs::path> anchors;
    std::vector<fs::path> crls;
    std::string profile = "auto";  // "auto": rolesanywhere-anchor for CA certificates, rolesanywhere-client otherwise
    Clock::time_point now = Clock::now();
};

// The per-certificate rules: the profile's (check_conformance), RFC 5280 basics, and validity.
std::vector<Finding> lint_certificate(const Botan::X509_Certificate& cert, const Profile& profile, const std::string& label,
                                      Clock::time_point now);

// The profile --profile auto picks for a certificate.
const Profile& auto_profile(const Botan::X509_Certificate& cert);

// Lints the inputs. Unreadable inputs and certificates are findings (rule lint.parse); unreadable
// --chain/--anchor/--crl files are an Error, since nothing sensible can be said without them.
LintReport lint(const LintRequest& request, const Catalog& catalog);

// Everything pkitool can say about a leaf and the chain it would present: the leaf against the
// rolesanywhere-client profile, RFC 5280 and its validity; the chain links, CRLs, and the anchors
// against rolesanywhere-anchor. For callers such as exchange, to explain "Untrusted signing
// certificate". With no anchors, trust is not judged (ra.chain.untrusted is never reported).
std::vector<Finding> lint_chain(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& intermediates,
                                const std::vector<Botan::X509_Certificate>& anchors, const std::vector<Botan::X509_CRL>& crls,
                                Clock::time_point now = Clock::now());

}  // namespace pkitool::profiles
