// serve and update: options in, credentials out, until stopped.
#include "pkitool/exchange_services.h"

#include "exchange/client/credentials_file.h"
#include "exchange/client/http_client.h"
#include "exchange/client/imds_endpoint.h"
#include "exchange/loopback_server.h"
#include "base/error.h"

#include <thread>

namespace pkitool::cli {

void serve_credentials(const ExchangeOptions& o, const ServeOptions& serve, Context& ctx,
                       const std::function<void(const ServeListening&)>& listening) {
    serve.check();  // a remote address without --allow-remote, before anything else
    o.check();      // a bad ARN or key source is refused before anything is served
    o.target.effective_region();
    const auto role = exchange::role_name_of_arn(o.target.role_arn);
    o.identity();  // a wrong key or passphrase fails now, not on the first request

    exchange::RefreshingCredentials credentials(o.source(ctx.err, [&ctx](const std::string& line) { ctx.warn(line); }));
    exchange::ImdsEndpoint endpoint(role, credentials);
    auto limits = exchange::ImdsEndpoint::limits();
    limits.hop_limit = serve.hop_limit;
    exchange::LoopbackServer server(endpoint.service(), limits);
    // Before any thread exists: a signal from now on stops the server, and cancels the first
    // CreateSession if it is still waiting on a slow endpoint, so serve exits promptly (#9).
    exchange::StopOnSignal on_signal([&server] {
        exchange::cancel_requests();
        server.stop();
    });
    const int port = server.bind(serve.bind, serve.port.port);
    const std::string url = server.url();
    if (serve.remote())
        ctx.warn("serving beyond this host at " + url + ": anyone who can reach it gets the credentials of role " + role +
                 "; let only trusted hosts reach it (a firewall, a container network)");
    listening({url, port, role});
    // The first CreateSession runs beside the server, not before it: a client that read the URL is
    // answered at once (waiting on the same fetch, or told 500 with the reason), not left in the
    // listen backlog until a slow endpoint answers.
    std::thread warm_up([&] {
        if (const auto got = credentials.get(exchange::Clock::now()); std::holds_alternative<exchange::CredentialsFailure>(got)) {
            if (!on_signal.signalled())
                ctx.warn("no credentials yet (answering 500 until they can be had): " + std::get<exchange::CredentialsFailure>(got).reason);
        } else {
            ctx.note("serving credentials for role " + role + " at " + url + "/latest/meta-data/iam/security-credentials/" + role);
        }
    });
    try {
        server.run();
    } catch (...) {
        exchange::cancel_requests();
        warm_up.join();
        throw;
    }
    warm_up.join();  // after a signal: the fetch was cancelled with the server
}

void update_credentials(const ExchangeOptions& o, const std::string& profile, bool once, Context& ctx,
                        const std::function<void(const std::filesystem::path&, const exchange::Credentials&,
                                                 std::optional<exchange::Clock::time_point> next)>& written) {
    o.check();
    if (profile.empty() || profile.find_first_of("[]\n") != std::string::npos)
        throw usage_error("--profile '" + profile + "': not a profile name");
    const auto path = exchange::default_credentials_file();
    const auto fetch = o.source(ctx.err, [&ctx](const std::string& line) { ctx.warn(line); });
    for (bool first = true;; first = false) {
        std::chrono::seconds wait{60};  // after a failed refresh
        try {
            const auto c = fetch();
            exchange::write_credentials_profile(path, profile, c);
            const auto next = c.expiration - exchange::kRefreshMargin;
            wait = std::max(wait, std::chrono::duration_cast<std::chrono::seconds>(next - exchange::Clock::now()));
            written(path, c, once ? std::nullopt : std::optional(exchange::Clock::now() + wait));
        } catch (const Error& e) {
            if (first || once) throw;  // a setup mistake: report it rather than retry forever
            ctx.warn(std::string(e.what()) + "; retrying in 60 s");
        }
        if (once) return;
        std::this_thread::sleep_for(wait);
    }
}

}  // namespace pkitool::cli
