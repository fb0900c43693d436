// Fuzz target: the loopback servers' HTTP/1.1 request parser. Besides not crashing, a request must
// parse the same whether its bytes arrive at once or one at a time (the server sees any split),
// and nothing accepted may exceed the caps.
#include "exchange/http_request_parser.h"

#include <cstdlib>

using namespace pkitool::exchange;

namespace {

struct Outcome {
    int status = 0;  // refusal status; 0 when complete or still incomplete
    bool complete = false;
    HttpRequest request;
    std::string rest;
};

Outcome run(const std::string& wire, size_t step, const RequestLimits& limits) {
    HttpRequestParser parser(limits);
    std::string buffer;
    Outcome out;
    for (size_t at = 0; at < wire.size(); at += step) {
        buffer.append(wire, at, step);
        auto r = parser.feed(buffer);
        if (auto* refusal = std::get_if<RequestRefusal>(&r)) {
            out.status = refusal->status;
            return out;
        }
        if (auto* c = std::get_if<HttpRequestParser::Complete>(&r)) {
            out.complete = true;
            out.request = std::move(c->request);
            out.rest = buffer + wire.substr(std::min(wire.size(), at + step));
            return out;
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 8192) return 0;
    const std::string wire(reinterpret_cast<const char*>(data), size);
    RequestLimits limits;
    limits.max_head_bytes = 1024;
    limits.max_header_lines = 16;
    limits.max_body_bytes = 512;
    const auto whole = run(wire, wire.size() ? wire.size() : 1, limits);
    const auto bytewise = run(wire, 1, limits);
    if (whole.status != bytewise.status || whole.complete != bytewise.complete) std::abort();
    if (whole.complete) {
        if (whole.request.body != bytewise.request.body || whole.request.headers != bytewise.request.headers ||
            whole.request.path != bytewise.request.path || whole.rest != bytewise.rest)
            std::abort();
        if (whole.request.body.size() > limits.max_body_bytes || whole.request.headers.size() > limits.max_header_lines) std::abort();
    }
    return 0;
}
