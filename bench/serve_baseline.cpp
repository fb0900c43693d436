// The baseline for bench/serve.sh: cpp-httplib answering every GET with one constant body and no
// work at all, so `exchange serve`'s rate can be read as a fraction of what the library itself does.
// Usage: serve_baseline BODY_BYTES   (prints the port it bound on 127.0.0.1, serves until killed)
#include <httplib.h>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: serve_baseline BODY_BYTES\n";
        return 2;
    }
    const std::string body(std::stoul(argv[1]), 'x');
    httplib::Server s;
    // The settings that make httplib fastest on loopback: no Nagle, long keep-alive.
    s.set_tcp_nodelay(true);
    s.set_keep_alive_max_count(1000);
    s.Get(".*", [&body](const httplib::Request&, httplib::Response& res) { res.set_content(body, "application/json"); });
    const int port = s.bind_to_any_port("127.0.0.1");
    if (port <= 0) return 1;
    std::cout << port << std::endl;
    s.listen_after_bind();
}
