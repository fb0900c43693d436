// Catch2 v2 entry point, shared by the test executables.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

int main(int argc, char* argv[]) {
    // The peers the tests trust (python3 and its cryptography/botocore, openssl, the AWS CLI) are
    // Debian's, as .ci/install-deps installs them: a pyenv or pip copy earlier on PATH must not
    // stand in for them (issue #16).
    const char* path = std::getenv("PATH");
    const std::string debian_first = std::string("/usr/sbin:/usr/bin:/sbin:/bin") + (path && *path ? ":" : "") + (path ? path : "");
    ::setenv("PATH", debian_first.c_str(), 1);
    return Catch::Session().run(argc, argv);
}
