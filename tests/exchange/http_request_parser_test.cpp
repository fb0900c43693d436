// The strict HTTP/1.1 request parser: framing, caps, and the requests AWS would refuse.
#include "exchange/http_request_parser.h"

#include <catch2/catch.hpp>

using namespace pkitool::exchange;

namespace {

HttpRequestParser::Result parse(std::string wire, RequestLimits limits = {}) {
    HttpRequestParser p(limits);
    return p.feed(wire);
}

int refused(const HttpRequestParser::Result& r) {
    const auto* x = std::get_if<RequestRefusal>(&r);
    return x ? x->status : 0;
}

const HttpRequestParser::Complete& complete(const HttpRequestParser::Result& r) {
    const auto* c = std::get_if<HttpRequestParser::Complete>(&r);
    if (!c) FAIL("not complete" << (refused(r) ? ": " + std::get<RequestRefusal>(r).message : std::string()));
    return *c;
}

}  // namespace

TEST_CASE("http parser: a request with a body, read byte by byte, and the pipelined next one kept", "[http]") {
    const std::string wire =
        "POST /sessions?a=1&b=x%2Fy HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-Amz-Date:  20260101T000000Z \r\n\r\nhello"
        "GET / HTTP/1.1\r\n";
    HttpRequestParser p({});
    std::string buffer;
    HttpRequestParser::Result r = HttpRequestParser::NeedMore{};
    size_t fed = 0;
    while (std::holds_alternative<HttpRequestParser::NeedMore>(r) && fed < wire.size()) {
        buffer.push_back(wire[fed++]);
        r = p.feed(buffer);
    }
    const auto& c = complete(r);
    CHECK(c.request.method == "POST");
    CHECK(c.request.path == "/sessions");
    CHECK(c.request.query == Params{{"a", "1"}, {"b", "x/y"}});
    CHECK(c.request.header("x-amz-date") == "20260101T000000Z");  // OWS trimmed, names case-insensitive
    CHECK(c.request.body == "hello");
    CHECK(c.keep_alive);
    CHECK(buffer.empty());
    buffer = wire.substr(fed);
    HttpRequestParser next({});
    CHECK(std::holds_alternative<HttpRequestParser::NeedMore>(next.feed(buffer)));
    CHECK(next.started());
}

TEST_CASE("http parser: chunked bodies are decoded and capped as they are read", "[http]") {
    const auto c = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nTrailer: x\r\n\r\n");
    CHECK(complete(c).request.body == "hello!");
    // The declared size of one chunk passing the cap is refused before any of its data arrives.
    RequestLimits small;
    small.max_body_bytes = 10;
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nC800000\r\n", small)) == 413);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello!\r\n6\r\n", small)) == 413);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", small)) == 413);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")) == 400);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n")) == 400);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n")) == 501);
    // Both framings: the request smuggling shape (RFC 9112 section 6.1).
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")) == 400);
}

TEST_CASE("http parser: heads AWS refuses are refused", "[http]") {
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nX-Amz-Date: 1\r\nx-amz-date: 2\r\n\r\n")) == 400);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n")) == 400);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n continued\r\n\r\n")) == 400);  // obs-fold
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost : h\r\n\r\n")) == 400);                    // space before the colon
    CHECK(refused(parse("POST / HTTP/1.1\nHost: h\n\n")) == 0);                              // bare LF: never a head
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n")) == 400);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n")) == 400);
    CHECK(refused(parse("POST / HTTP/1.1\r\n\r\n")) == 400);  // no Host
    CHECK(refused(parse("POST http://x/ HTTP/1.1\r\nHost: h\r\n\r\n")) == 400);
    CHECK(refused(parse("POST / HTTP/2.0\r\nHost: h\r\n\r\n")) == 505);
    CHECK(refused(parse("POST  / HTTP/1.1\r\nHost: h\r\n\r\n")) == 400);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n")) == 417);
    CHECK(refused(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n")) == 400);
    std::string many = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 100; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    CHECK(refused(parse(many + "\r\n")) == 431);
    CHECK(refused(parse("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(20000, 'a'))) == 431);  // refused before its end
    // Empty values are kept: an empty X-Forwarded-For is still a proxied request.
    CHECK(complete(parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For:\r\n\r\n")).request.header("X-Forwarded-For") == "");
}

TEST_CASE("http parser: connection persistence and 100-continue", "[http]") {
    CHECK_FALSE(complete(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, close\r\n\r\n")).keep_alive);
    CHECK_FALSE(complete(parse("GET / HTTP/1.0\r\n\r\n")).keep_alive);
    CHECK(complete(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).keep_alive);
    CHECK(complete(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")).request.path == "/");  // leading empty lines
    {  // found by the fuzz target: an empty line split after its CR is still an empty line
        HttpRequestParser split({});
        std::string b = "\r";
        CHECK(std::holds_alternative<HttpRequestParser::NeedMore>(split.feed(b)));
        CHECK_FALSE(split.started());
        b += "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
        CHECK(complete(split.feed(b)).request.method == "GET");
    }
    HttpRequestParser p({});
    std::string b = "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
    CHECK(std::holds_alternative<HttpRequestParser::NeedMore>(p.feed(b)));
    CHECK(p.wants_continue());
    b = "ok";
    CHECK(complete(p.feed(b)).request.body == "ok");
}
