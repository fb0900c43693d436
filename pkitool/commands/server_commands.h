// The two commands that run an HTTP server live in a second executable, pkitool-server, next to
// pkitool: cpp-httplib pulls in OpenSSL, whose loading and initialisation cost every process about
// 10M instructions (two thirds of `pkitool --version`), and only long-lived servers need it.
// `pkitool` registers them as launchers (server_launcher.cpp) that exec pkitool-server with the
// same command line, as git runs its git-* programs.
#pragma once

namespace pkitool::cli {

constexpr const char* kServeDescription = "Serve the credentials to SDKs as an IMDSv2 endpoint on 127.0.0.1";
constexpr const char* kEmulateDescription =
    "Run a local IAM Roles Anywhere + STS endpoint on 127.0.0.1 that verifies requests as AWS does";
constexpr const char* kServerProgram = "pkitool-server";

}  // namespace pkitool::cli
