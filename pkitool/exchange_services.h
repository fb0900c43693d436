// The two long-running exchange commands, serve and update, shared by `pkitool exchange` and the
// aws_signing_helper personality: the same loop, each personality saying what happened its own way.
#pragma once

#include "exchange/client/credentials.h"
#include "pkitool/context.h"
#include "pkitool/exchange_options.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace pkitool::cli {

struct ServeListening {
    std::string url;  // "http://127.0.0.1:PORT" (or the --bind address), no trailing slash
    int port;
    std::string role;
};

// Serves the credentials as an IMDSv2 endpoint until SIGINT or SIGTERM. `listening` runs once the
// port is bound, before the first CreateSession answer is awaited; a non-loopback address is
// warned about before it.
void serve_credentials(const ExchangeOptions& options, const ServeOptions& serve, Context& ctx,
                       const std::function<void(const ServeListening&)>& listening);

// Writes fresh credentials into `profile` of the shared credentials file, once or every time they
// are 5 minutes from expiry. `written` runs after each write with the time of the next one (none
// with `once`). A failure of the first write is thrown; later ones are retried after 60 s.
void update_credentials(const ExchangeOptions& options, const std::string& profile, bool once, Context& ctx,
                        const std::function<void(const std::filesystem::path&, const exchange::Credentials&,
                                                 std::optional<exchange::Clock::time_point> next)>& written);

}  // namespace pkitool::cli
