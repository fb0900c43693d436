// pkitool exchange read-certificate-data: what CreateSession will be built from, for one certificate.
#include "base/pem.h"
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_options.h"

#include "exchange/client/certificate_data.h"
#include "base/error.h"
#include "issue/subject.h"
#include "issue/x509_file.h"

namespace pkitool::cli {

void register_exchange_read_certificate_data(CLI::App& exchange_group, Context& ctx) {
    struct Args {
        KeySource source;
        DeclaredFlags declared;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = exchange_group.add_subcommand(
        "read-certificate-data", "Print a certificate's key type, decimal serial and signing algorithms, as aws_signing_helper reports them");
    args->source.add(*cmd, Personality::Pkitool, KeySource::Use::ReadCertificate, args->declared);
    examples(*cmd,
             {{"Show what a certificate signs with:", "pkitool exchange read-certificate-data --certificate vm.crt"},
              {"The same fields as aws_signing_helper's JSON (certificateData is the DER in base64):",
               "pkitool exchange read-certificate-data --certificate vm.crt --json"}},
             "The serial is in decimal, as the Credential= of a CreateSession request carries it.\n"
             "A PEM bundle is read up to its first certificate. A pkcs11: URI lists every certificate on the\n"
             "token it matches, each with its own URI (--json: an array).\n");
    cmd->callback([args, &ctx] {
        args->source.check();
        const auto lines = [&ctx](const exchange::CertificateData& d) {
            std::string algorithms;
            for (const auto& a : d.supported_algorithms) algorithms += (algorithms.empty() ? "" : ", ") + a;
            ctx.out << "key type: " << (d.key_type.empty() ? "(neither RSA nor EC)" : d.key_type) << '\n'
                    << "serial (decimal): " << d.serial_number << '\n'
                    << "supported algorithms: " << algorithms << '\n';
        };
        if (args->source.certificate_in_token()) {
            // Every certificate the URI matches, each with the URI that names it alone.
            const auto found = args->source.token_certificates();
            if (found.empty())
                throw Error(args->source.certificate_shown() + ": no matching certificates on the token",
                            "list its objects: pkcs11-tool --list-objects");
            auto all = nlohmann::ordered_json::array();
            for (size_t i = 0; i < found.size(); ++i) {
                const Botan::X509_Certificate cert(found[i].der);
                const auto d = exchange::CertificateData::of(cert);
                if (ctx.json) {
                    auto j = nlohmann::ordered_json::parse(d.json());
                    j["uri"] = uri_of(found[i]);
                    j["subject"] = issue::format_dn(cert.subject_dn());
                    all.push_back(std::move(j));
                    continue;
                }
                if (i) ctx.out << '\n';
                ctx.out << "uri: " << uri_of(found[i]) << '\n' << "subject: " << issue::format_dn(cert.subject_dn()) << '\n';
                lines(d);
            }
            if (ctx.json) ctx.out << all.dump(2) << '\n';
            return;
        }
        const auto d = exchange::CertificateData::of(pem::load_certificates(args->source.certificate).front());
        if (ctx.json) {
            ctx.out << nlohmann::ordered_json::parse(d.json()).dump(2) << '\n';  // the helper's field order
            return;
        }
        lines(d);
    });
}

}  // namespace pkitool::cli
