// Fuzz target: one certificate in DER, through everything pkitool does with a foreign certificate:
// show's description, lint's per-certificate rules, the path engine (the certificate as its own
// anchor and as a leaf under it), name constraints, SANs and the emulator's trust-policy tags.
#include "exchange/emulator/attribute_mapping.h"
#include "issue/inspect.h"
#include "issue/san.h"
#include "profiles/conformance.h"
#include "profiles/critical_extensions.h"
#include "profiles/lint.h"
#include "profiles/name_constraints.h"
#include "profiles/path_engine.h"
#include "profiles/rfc5280.h"

#include <botan/x509cert.h>

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::optional<Botan::X509_Certificate> cert;
    try {
        cert.emplace(data, size);
    } catch (const std::exception&) {
        return 0;
    }
    const auto now = profiles::Clock::now();
    const auto guard = [](auto&& f) {
        try {
            f();
        } catch (const std::exception&) {
            // Refusing bad input is fine; only crashes, leaks and undefined behaviour are findings.
        }
    };
    guard([&] { (void)issue::describe(*cert).dump(); });
    guard([&] {
        const auto label = profiles::certificate_label(*cert);
        (void)profiles::lint_certificate(*cert, profiles::auto_profile(*cert), label, now);
        (void)profiles::check_rfc5280(*cert, label);
        (void)profiles::unhandled_critical_extensions(*cert);
    });
    guard([&] {
        if (auto nc = profiles::NameConstraints::of(*cert)) (void)nc->violation(*cert, true);
    });
    guard([&] { (void)issue::SubjectAltNames::of(*cert); });
    guard([&] { (void)exchange::principal_tags(*cert); });
    guard([&] {
        const profiles::TrustAnchors anchors({*cert}, {});
        profiles::PathEngine engine(anchors, {*cert}, now);
        (void)engine.check(*cert, "fuzz");
        const profiles::TrustAnchors none({}, {});
        profiles::PathEngine untrusted(none, {*cert, *cert}, now);
        (void)untrusted.check(*cert, "fuzz");
    });
    return 0;
}
