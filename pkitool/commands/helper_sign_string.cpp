// aws_signing_helper sign-string: the fixed test string signed, in the helper's three formats.
#include "pkitool/commands/helper_commands.h"
#include "pkitool/exchange_options.h"

#include <botan/hex.h>

#include <nlohmann/json.hpp>

namespace pkitool::cli {

void register_helper_sign_string(CLI::App& app, Context& ctx) {
    struct Args {
        KeySource key;
        DeclaredFlags declared;
        TestSignatureOptions signature;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("sign-string", "Sign a fixed test string with the key (standard input is not read)");
    args->key.add(*cmd, Personality::SigningHelper, KeySource::Use::SignString, args->declared);
    args->signature.add(*cmd, Personality::SigningHelper);
    examples(*cmd, {{"The raw signature, for openssl dgst -verify:",
                     "aws_signing_helper sign-string --certificate vm.crt --private-key vm.key --format bin > sig.bin"}});
    cmd->callback([args, &ctx] {
        args->key.check();
        const auto key = args->key.matching_key();
        if (args->key.debug) ctx.note("signing the fixed test string with " + to_string(args->signature.digest));
        const auto signature = exchange::sign_test_string(key, args->signature.digest);
        const auto& format = args->signature.format;
        // No newline in any format, as the helper prints them.
        if (format == "bin") ctx.out.write(reinterpret_cast<const char*>(signature.data()), static_cast<std::streamsize>(signature.size()));
        else if (format == "text") ctx.out << Botan::hex_encode(signature, false);
        else ctx.out << nlohmann::json(Botan::hex_encode(signature, false)).dump();
        ctx.out << std::flush;
    });
}

}  // namespace pkitool::cli
