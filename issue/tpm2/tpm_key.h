// Keys inside a TPM 2.0 through the TSS2 ESAPI, in the two forms aws_signing_helper takes (issue
// #11): a "TSS2 PRIVATE KEY" PEM file (the TPM 2.0 Key File format: an object sealed to a parent
// key, loadable only by that TPM), and a persistent handle "handle:0x81...". The TPM is reached
// through TPM2TOOLS_TCTI when set (tpm2-tools' convention), else the TSS's default (tabrmd, then
// /dev/tpmrm0, /dev/tpm0). The key signs inside the TPM through issue/held_key.h.
#pragma once

#include <botan/pk_keys.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::issue::tpm2 {

// The key's authorisation value; empty optional: none (the object's auth is empty).
using KeyPassword = std::optional<std::string>;

// True when `data` is PEM of a TSS2 private key.
bool is_key_file(const std::vector<uint8_t>& data);

// "handle:0x81000002" -> 0x81000002; empty optional for any other text. Error for a handle
// outside the persistent range (TPM 2.0 Part 2 §7.4: 0x81000000-0x81FFFFFF).
std::optional<uint32_t> parse_handle(const std::string& text);

// Loads the key file's object under its parent (a persistent key, or the owner hierarchy's
// storage primary, made from the template the key file format names) and returns a key that
// signs with it. Errors name `name`: not a TSS2 key, a parent the TPM does not have, wrong password.
std::shared_ptr<Botan::Private_Key> load_key_file(const std::vector<uint8_t>& pem, const std::string& name, const KeyPassword& password);

// The persistent key at `handle`.
std::shared_ptr<Botan::Private_Key> open_handle(uint32_t handle, const KeyPassword& password);

}  // namespace pkitool::issue::tpm2
