// The IMDS endpoint in process: the credentials document follows every refresh of the credentials.
#include "exchange/client/imds_endpoint.h"
#include "exchange/loopback_server.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

using namespace pkitool::exchange;

TEST_CASE("imds server: each refresh of the credentials is what the next GET serves", "[serve]") {
    // Credentials that expire within the refresh margin are replaced on every request.
    std::atomic<int> issued = 0;  // written by the server's connection thread, read here
    RefreshingCredentials credentials([&issued] {
        ++issued;
        Credentials c;
        c.access_key_id = "ASIATEST" + std::to_string(issued.load());
        c.secret_access_key = "secret-" + std::to_string(issued.load());
        c.session_token = "token-" + std::to_string(issued.load());
        c.expiration = Clock::now() + std::chrono::minutes(1);
        return c;
    });
    ImdsEndpoint endpoint("TestRole", credentials);
    LoopbackServer server(endpoint.service(), ImdsEndpoint::limits());
    const int port = server.bind(0);
    std::thread serving([&] { server.run(); });
    httplib::Client client("127.0.0.1", port);
    const auto token = client.Put("/latest/api/token", httplib::Headers{{"X-aws-ec2-metadata-token-ttl-seconds", "60"}}, "", "text/plain");
    REQUIRE(token);
    REQUIRE(token->status == 200);
    const httplib::Headers auth{{"X-aws-ec2-metadata-token", token->body}};
    for (int i = 0; i < 3; ++i) {
        const auto res = client.Get("/latest/meta-data/iam/security-credentials/TestRole", auth);
        REQUIRE(res);
        REQUIRE(res->status == 200);
        const auto j = nlohmann::json::parse(res->body);
        CHECK(j["AccessKeyId"] == "ASIATEST" + std::to_string(issued.load()));
        CHECK(j["SecretAccessKey"] == "secret-" + std::to_string(issued.load()));
        CHECK(j["Token"] == "token-" + std::to_string(issued.load()));
    }
    CHECK(issued >= 3);
    server.stop();
    serving.join();
}
