// What a crash leaves (issue #8, defects 11 and 12): pkitool killed with SIGKILL at the worst
// moment (held there by strace's syscall delay injection) leaves no temporary files, a CA key in a
// half-made CA directory is removed by the next `ca init`, and a batch killed after its rows were
// committed is found by `db check` and finished by `--resume` without a duplicate valid certificate.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;
using nlohmann::json;

namespace {

// Runs `args` under strace with every `syscall` delayed 10 s, so that each thread stops at its
// first one; waits until one is inside the delay (strace logs the call on entry, with the thread
// id), then kills that process with SIGKILL. Only that process: other tests may run the same
// command meanwhile.
void kill_during(const std::string& syscall, const std::string& args, const TempDir& t) {
    const std::string command = "ASAN_OPTIONS=detect_leaks=0 strace -f -qq -o trace.log -e trace=" + syscall + " -e inject=" + syscall +
                                ":delay_enter=10000000 '" PKITOOL_BINARY "' " + args;
    const auto r = shell("(" + command + ") & pid=; for i in $(seq 200); do pid=$(grep -m1 '" + syscall +
                             "(' trace.log 2>/dev/null | cut -d' ' -f1); [ -n \"$pid\" ] && break; sleep 0.05; done; "
                             "[ -n \"$pid\" ] && kill -KILL \"$pid\"; wait; "
                             "for i in $(seq 100); do grep -qs '^State:.*[RSD]' /proc/$pid/status || break; sleep 0.05; done",
                         t.path());
    INFO(r.out << r.err);
}

size_t count_matching(const fs::path& dir, const std::string& needle) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(needle) != std::string::npos) ++n;
    return n;
}

}  // namespace

TEST_CASE("crash: a killed ca init leaves a CA directory that the next init of that CA removes (under strace)", "[cli][crash]") {
    TempDir t;
    // Killed at the rename that would publish the finished directory.
    kill_during("rename", "ca init --dir root --subject CN=Root", t);
    CHECK_FALSE(fs::exists(t / "root"));
    REQUIRE(count_matching(t.path(), ".root.tmp-") == 1);  // a complete CA key, still private
    for (const auto& e : fs::directory_iterator(t.path()))
        if (e.path().filename().string().find(".root.tmp-") == 0) {
            CHECK(mode_of(e.path() / "private") == 0700);
            CHECK(mode_of(e.path() / "private/ca.key") == 0600);
        }
    // Another CA's init leaves it alone (it could be another host's, sharing the directory)...
    run_ok("ca init --dir other --subject CN=Other", t);
    CHECK(count_matching(t.path(), ".root.tmp-") == 1);
    // ...the next init of the same CA removes it.
    run_ok("ca init --dir root --subject CN=Root", t);
    CHECK(count_matching(t.path(), ".root.tmp-") == 0);
}

TEST_CASE("crash: a batch killed after its commit is listed by db check and finished by --resume (under strace)", "[cli][crash]") {
    TempDir t;
    run_ok("ca init --dir ca --subject CN=Root", t);
    fs::create_directory(t / "fleet");
    {
        std::ofstream csv(t / "fleet.csv");
        csv << "name,subject,san,key_type,days,profile\n";
        for (int i = 0; i < 20; ++i) csv << "vm-" << i << ",CN=vm-" << i << ",,,,\n";
    }
    // Killed at the first file published after the chunk's commit: rows recorded, no file out.
    kill_during("linkat", "issue --ca ca --batch fleet.csv --out-dir fleet --yes", t);
    CHECK(count_matching(t / "fleet", "") == 0);  // no temporary file left either (O_TMPFILE)
    CHECK(count_matching(t / "ca/certs", ".tmp") == 0);
    REQUIRE(json::parse(run("db list --ca ca --json", t.path()).out)["count"] == 20);

    auto check = run("db check --ca ca --json", t.path());
    CHECK(check.code == 1);
    CHECK(json::parse(check.out)["problems"].size() == 20);
    // A plain re-run would issue twenty more valid certificates: refused, with the way out.
    auto again = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes", t.path());
    CHECK(again.code == 1);
    CHECK_THAT(again.err, Catch::Contains("is already recorded for fleet/vm-0.crt") && Catch::Contains("--resume"));

    // Resume: keys were never written, so each recorded certificate is revoked and issued anew.
    auto resumed = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes --resume --json", t.path());
    INFO(resumed.err);
    REQUIRE(resumed.code == 0);
    const auto j = json::parse(resumed.out);
    CHECK(j["issued"].size() == 20);
    CHECK(j["resume"]["superseded"].size() == 20);
    CHECK(json::parse(run("db list --ca ca --status revoked --json", t.path()).out)["count"] == 20);
    CHECK(json::parse(run("db list --ca ca --status valid --json", t.path()).out)["count"] == 20);
    run_ok("crl --ca ca", t);
    CHECK_THAT(shell("openssl crl -in ca/crl.pem -noout -text", t.path()).out, Catch::Contains("Superseded"));
    for (int i = 0; i < 20; i += 7) {
        const std::string n = "fleet/vm-" + std::to_string(i);
        CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt -crl_check -CRLfile ca/crl.pem " + n + ".crt", t.path()).code == 0);
        CHECK(shell("openssl x509 -in " + n + ".crt -noout -pubkey", t.path()).out == shell("openssl pkey -in " + n + ".key -pubout", t.path()).out);
    }
    CHECK(run("db check --ca ca", t.path()).code == 0);
    // A CA copy whose row is gone (an inventory restored from an older backup) is listed too.
    REQUIRE(shell("cp ca/certs/$(ls ca/certs | head -1) ca/certs/0BADC0DE.pem", t.path()).code == 0);
    const auto stray = json::parse(run("db check --ca ca --json", t.path()).out);
    CHECK(stray["unrecorded"] == json::array({"ca/certs/0BADC0DE.pem"}));
    fs::remove(t / "ca/certs/0BADC0DE.pem");

    // A certificate file lost after delivery, its key still there: written again from the inventory.
    const auto before = slurp(t / "fleet/vm-3.crt");
    fs::remove(t / "fleet/vm-3.crt");
    CHECK(run("db check --ca ca", t.path()).code == 1);
    resumed = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes --resume --json", t.path());
    INFO(resumed.err);
    REQUIRE(resumed.code == 0);
    const auto k = json::parse(resumed.out);
    CHECK(k["issued"].empty());
    CHECK(k["resume"]["complete"] == 19);
    CHECK(k["resume"]["delivered"].size() == 1);
    CHECK(slurp(t / "fleet/vm-3.crt") == before);
    CHECK(json::parse(run("db list --ca ca --json", t.path()).out)["count"] == 40);  // nothing more issued

    // A key moved to its host, its certificate left behind: delivered, so --resume neither revokes
    // nor re-issues it.
    fs::rename(t / "fleet/vm-5.key", t / "vm-5.key");
    const auto moved = run("issue --ca ca --batch fleet.csv --out-dir fleet --yes --resume", t.path());
    CHECK(moved.code == 1);
    CHECK_THAT(moved.err, Catch::Contains("fleet/vm-5.crt: holds certificate") && Catch::Contains("it was delivered"));
    CHECK(json::parse(run("db list --ca ca --status revoked --json", t.path()).out)["count"] == 20);
}

// renew (issue #13): killed at each step after the staging of the new key, the files hold a
// matching pair, old or new, and running the same renew again finishes the recorded renewal.
TEST_CASE("crash: a renewal killed at any step leaves a matching pair and is finished by the next renew (under strace)", "[cli][crash]") {
    // With `window`, the key's rename is then done by hand: the state a kill between the two
    // renames leaves. Without it, the next renew moves the staged key itself.
    for (const auto& [syscall, window] : std::vector<std::pair<std::string, bool>>{{"linkat", false}, {"fdatasync", false}, {"rename", false}, {"rename", true}}) {
        DYNAMIC_SECTION("killed at " << syscall << (window ? ", then the key moved" : "")) {
            TempDir t;
            run_ok("ca init --dir ca --subject CN=Root", t);
            run_ok("issue --ca ca --subject CN=vm --out vm.crt --key-out vm.key --yes", t);
            const auto pair_matches = [&] {
                return shell("openssl x509 -in vm.crt -noout -pubkey", t.path()).out == shell("openssl pkey -in vm.key -pubout", t.path()).out;
            };
            const auto old_cert = slurp(t / "vm.crt");
            kill_during(syscall, "renew --ca ca --cert vm.crt --rekey --yes", t);
            CHECK(slurp(t / "vm.crt") == old_cert);
            CHECK(pair_matches());
            const bool recorded = json::parse(run("db list --ca ca --json", t.path()).out)["count"] == 2;
            if (window) {
                REQUIRE(recorded);
                REQUIRE(fs::exists(t / "vm.key.next"));
                // The window between the two renames: the new key beside the old certificate.
                fs::rename(t / "vm.key.next", t / "vm.key");
                CHECK_FALSE(pair_matches());
            }
            auto again = run("renew --ca ca --cert vm.crt --rekey --yes --json", t.path());
            INFO(again.err);
            REQUIRE(again.code == 0);
            CHECK(json::parse(again.out)["renewed"][0]["resumed"] == recorded);
            CHECK(pair_matches());
            CHECK(slurp(t / "vm.crt") != old_cert);
            CHECK_FALSE(fs::exists(t / "vm.key.next"));
            CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt vm.crt", t.path()).code == 0);
            CHECK(json::parse(run("db list --ca ca --status valid --json", t.path()).out)["count"] == 1);
            CHECK(run("db check --ca ca", t.path()).code == 0);
        }
    }
}
