// A software TPM 2.0 (swtpm) with tpm2-pkcs11 over it, in a test's temporary directory: the
// PKCS#11 route to TPM keys (issue #11). swtpm's TPM holds three transient objects, and the TSS
// tools flush none without a resource manager, so tpm2-abrmd runs on a private D-Bus session bus.
#pragma once

#include "tests/support/cli.h"
#include "tests/support/scoped_env.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <chrono>
#include <fstream>
#include <random>
#include <string>
#include <thread>

namespace pkitool::test {

class SwTpm {
public:
    static constexpr const char* kModule = "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so";
    static constexpr const char* kPin = "1234";

    explicit SwTpm(const TempDir& dir, const std::string& label = "tpm")
        : env_({"DBUS_SESSION_BUS_ADDRESS", "TPM2TOOLS_TCTI", "TPM2_PKCS11_TCTI", "TPM2_PKCS11_STORE", "TPM2_PKCS11_LOG_LEVEL", "TPM2OPENSSL_TCTI", "PKITOOL_PIN"}),
          dir_(dir.path() / "tpm") {
        try {
            start(label);
        } catch (...) {
            stop();  // a failed start leaves no daemon behind
            throw;
        }
    }
    ~SwTpm() { stop(); }
    SwTpm(const SwTpm&) = delete;
    SwTpm& operator=(const SwTpm&) = delete;

    Result tool(const std::string& args) const { return shell(std::string("pkcs11-tool --module ") + kModule + " " + args, dir_); }
    // A command run beside the TPM (tpm2-tools, openssl with tpm2-openssl's provider) in `dir`.
    Result run(const std::string& command, const fs::path& dir) const { return shell(command, dir); }

private:
    void start(const std::string& label) {
        fs::create_directories(dir_ / "state");
        fs::create_directories(dir_ / "store");
        // A bus of its own configuration: the stock session one scans the system's service files
        // and looks users up through every NSS module installed (systemd's included), none of
        // which the test needs or .ci/install-deps installs.
        std::ofstream(dir_ / "bus.conf") << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
                                            "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                                            "<busconfig><type>session</type><listen>unix:tmpdir="
                                         << dir_.string()
                                         << "</listen><auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\" "
                                            "eavesdrop=\"true\"/><allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n";
        const auto bus = shell("dbus-daemon --config-file=bus.conf --fork --print-address=1 --print-pid=1", dir_);
        must(bus);
        const auto nl = bus.out.find('\n');
        env_.set("DBUS_SESSION_BUS_ADDRESS", bus.out.substr(0, nl));
        dbus_pid_ = std::stoi(bus.out.substr(nl + 1));
        // A free port pair is found by trying: swtpm exits at once when its port is taken.
        std::mt19937 pick(std::random_device{}());
        for (int attempt = 0; attempt < 20 && port_ == 0; ++attempt) {
            const int port = 20000 + static_cast<int>(pick() % 20000) * 2;
            const auto r = shell("swtpm socket --tpm2 --tpmstate dir=" + (dir_ / "state").string() + " --flags not-need-init,startup-clear --server type=tcp,port=" +
                                     std::to_string(port) + ",bindaddr=127.0.0.1 --ctrl type=tcp,port=" + std::to_string(port + 1) +
                                     ",bindaddr=127.0.0.1 --daemon --pid file=" + (dir_ / "swtpm.pid").string(),
                                 dir_);
            if (r.code == 0) port_ = port;
        }
        REQUIRE(port_ != 0);
        const std::string tcti = "swtpm:host=127.0.0.1,port=" + std::to_string(port_);
        const auto abrmd = shell("(tpm2-abrmd --session --allow-root --tcti='" + tcti + "' >abrmd.log 2>&1 & echo $!)", dir_);
        must(abrmd);
        abrmd_pid_ = std::stoi(abrmd.out);
        env_.set("TPM2TOOLS_TCTI", "tabrmd:bus_type=session");
        env_.set("TPM2_PKCS11_TCTI", "tabrmd:bus_type=session");
        env_.set("TPM2_PKCS11_STORE", (dir_ / "store").string());
        env_.set("TPM2_PKCS11_LOG_LEVEL", "0");
        env_.set("TPM2OPENSSL_TCTI", "tabrmd:bus_type=session");
        for (int i = 0; i < 100 && shell("tpm2_getcap properties-fixed", dir_).code != 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        must(shell("tpm2_ptool init --path store", dir_));
        must(shell("tpm2_ptool addtoken --pid=1 --sopin=12345678 --userpin=" + std::string(kPin) + " --label='" + label + "' --path store", dir_));
    }
    void stop() {
        for (const int pid : {abrmd_pid_, dbus_pid_})
            if (pid > 0) ::kill(pid, SIGTERM);
        if (fs::exists(dir_ / "swtpm.pid")) shell("kill $(cat swtpm.pid)", dir_);
    }

    ScopedEnv env_;
    fs::path dir_;
    int dbus_pid_ = 0, abrmd_pid_ = 0, port_ = 0;
};

}  // namespace pkitool::test
