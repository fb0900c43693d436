// A SoftHSM2 token store in a test's temporary directory (never the system one): SOFTHSM2_CONF
// points at it for the test's process and the pkitool processes it starts.
#pragma once

#include "tests/support/cli.h"
#include "tests/support/scoped_env.h"

#include <fstream>
#include <string>

namespace pkitool::test {

class SoftHsm {
public:
    static constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";
    static constexpr const char* kPin = "1234";
    static constexpr const char* kSoPin = "12345678";

    // Creates DIR/softhsm2.conf and DIR/tokens/, and one initialised token labelled `label`.
    explicit SoftHsm(const TempDir& dir, const std::string& label = "pkitool") : env_({"SOFTHSM2_CONF", "PKITOOL_PIN"}), dir_(dir.path()) {
        fs::create_directories(dir_ / "tokens");
        std::ofstream(dir_ / "softhsm2.conf") << "directories.tokendir = " << (dir_ / "tokens").string()
                                              << "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n";
        env_.set("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").string());
        add_token(label);
    }
    void add_token(const std::string& label) const {
        must(shell("softhsm2-util --init-token --free --label '" + label + "' --pin " + kPin + " --so-pin " + kSoPin, dir_));
    }
    // `pkcs11-tool` (OpenSC) on this store: the independent view of what is in the token.
    Result tool(const std::string& args) const {
        return shell(std::string("pkcs11-tool --module ") + kModule + " " + args, dir_);
    }
    const fs::path& dir() const { return dir_; }

private:
    ScopedEnv env_;
    fs::path dir_;
};

}  // namespace pkitool::test
