// aws_signing_helper read-certificate-data: a certificate file's facts as the helper's JSON.
#include "base/pem.h"
#include "pkitool/commands/helper_commands.h"
#include "pkitool/exchange_options.h"

#include "exchange/client/certificate_data.h"
#include "issue/subject.h"
#include "issue/x509_file.h"

#include <botan/hash.h>
#include <botan/hex.h>

namespace pkitool::cli {

namespace {

// Upper-case hex without leading zeros, as Go's big.Int Text(16) the helper prints.
std::string serial_hex(const Botan::X509_Certificate& cert) {
    auto hex = Botan::hex_encode(cert.serial_number());
    const auto first = hex.find_first_not_of('0');
    return first == std::string::npos ? "0" : hex.substr(first);
}

}  // namespace

void register_helper_read_certificate_data(CLI::App& app, Context& ctx) {
    struct Args {
        KeySource source;
        DeclaredFlags declared;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("read-certificate-data", "Diagnostic: print a certificate file's key type, serial and algorithms as JSON");
    args->source.add(*cmd, Personality::SigningHelper, KeySource::Use::ReadCertificate, args->declared);
    examples(*cmd, {{"The serial in decimal:", "aws_signing_helper read-certificate-data --certificate vm.crt"}});
    cmd->callback([args, &ctx] {
        args->source.check();  // no --certificate: the OS store, which Linux has none of
        if (args->source.certificate_in_token()) {
            // The helper's listing of a token's certificates (its DefaultCertContainerToString).
            const auto found = args->source.token_certificates();
            if (found.empty()) {
                ctx.out << "No matching identities\n";
                return;
            }
            ctx.out << "Matching identities\n";
            for (size_t i = 0; i < found.size(); ++i) {
                const Botan::X509_Certificate cert(found[i].der);
                ctx.out << i + 1 << ") Hex Fingerprint: " << Botan::hex_encode(Botan::HashFunction::create_or_throw("SHA-1")->process(found[i].der), false)
                        << "\nSubject: " << issue::format_dn(cert.subject_dn()) << "\nIssuer: " << issue::format_dn(cert.issuer_dn())
                        << "\nSerial Number: " << serial_hex(cert) << "\nURI: " << uri_of(found[i]) << "\n\n";
            }
            return;
        }
        const auto first = pem::load_certificates(args->source.certificate).front();
        ctx.out << exchange::CertificateData::of(first).json() << std::flush;  // no newline, as the helper
    });
}

}  // namespace pkitool::cli
