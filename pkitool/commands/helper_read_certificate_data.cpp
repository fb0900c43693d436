// aws_signing_helper read-certificate-data: a certificate file's facts as the helper's JSON.
#include "base/pem.h"
#include "pkitool/commands/helper_commands.h"
#include "pkitool/exchange_options.h"

#include "exchange/client/certificate_data.h"
#include "issue/x509_file.h"

namespace pkitool::cli {

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
        const auto first = pem::load_certificates(args->source.certificate).front();
        ctx.out << exchange::CertificateData::of(first).json() << std::flush;  // no newline, as the helper
    });
}

}  // namespace pkitool::cli
