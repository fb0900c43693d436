// pkitool exchange sign-string: prove a key signs as Roles Anywhere expects, without calling it.
#include "pkitool/commands/commands.h"
#include "pkitool/exchange_options.h"

#include <botan/hex.h>

namespace pkitool::cli {

void register_exchange_sign_string(CLI::App& exchange_group, Context& ctx) {
    struct Args {
        KeySource key;
        DeclaredFlags declared;
        TestSignatureOptions signature;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = exchange_group.add_subcommand(
        "sign-string", "Sign aws_signing_helper's fixed test string with a key and print the signature in hex");
    args->key.add(*cmd, Personality::Pkitool, KeySource::Use::SignString, args->declared);
    args->signature.add(*cmd, Personality::Pkitool);
    examples(*cmd,
             {{"Sign with a key file (SHA-256):", "pkitool exchange sign-string --private-key vm.key"},
              {"Check the key against its certificate, with SHA-384, as JSON:",
               "pkitool exchange sign-string --certificate vm.crt --private-key vm.key --digest SHA384 --json"}},
             "The string signed is \"AWS Roles Anywhere Credential Helper Signing Test\", then \"1\", then the\n"
             "SHA-256 of \"IAM RA\" followed by the public key (the uncompressed EC point, or the PKCS#1\n"
             "RSAPublicKey DER). EC signatures are DER, RSA ones PKCS#1 v1.5: verify with\n"
             "`openssl dgst -sha256 -verify pub.pem -signature sig.bin data.bin`. --json adds the data signed (hex).\n");
    cmd->callback([args, &ctx] {
        args->key.check();
        const auto key = args->key.matching_key();
        const auto signature = Botan::hex_encode(exchange::sign_test_string(key, args->signature.digest), false);
        if (!ctx.json) {
            ctx.out << signature << '\n';
            return;
        }
        const auto data = exchange::test_string_to_sign(key.botan());
        ctx.print_json({{"digest", to_string(args->signature.digest)},
                        {"signature", signature},
                        {"signedData", Botan::hex_encode(reinterpret_cast<const uint8_t*>(data.data()), data.size(), false)}});
    });
}

}  // namespace pkitool::cli
