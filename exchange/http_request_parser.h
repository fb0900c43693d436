// One HTTP/1.1 request read from a byte stream, strictly (RFC 9112), for the two loopback
// endpoints: a request AWS or EC2 would refuse is refused here, before any handler sees it, and
// nothing a client sends can make the parser hold more than the head and body caps.
#pragma once

#include "exchange/sigv4.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace pkitool::exchange {

struct RequestLimits {
    size_t max_head_bytes = 16 * 1024;  // request line + header lines (+ chunked trailers)
    size_t max_header_lines = 100;
    size_t max_body_bytes = 64 * 1024;  // the decoded body, chunked or not
};

// The request could not be taken: the status to answer (400, 413, 431, 501, 505) and why. The
// connection is closed after answering: what follows in the stream cannot be trusted.
struct RequestRefusal {
    int status;
    std::string message;
};

class HttpRequestParser {
public:
    explicit HttpRequestParser(RequestLimits limits) : limits_(limits) {}

    struct NeedMore {};
    struct Complete {
        HttpRequest request;
        bool keep_alive;
    };
    using Result = std::variant<NeedMore, Complete, RequestRefusal>;

    // Takes what it can from the front of `buffer` (bytes it consumed are erased; bytes of a next,
    // pipelined request stay). Call again with more bytes after NeedMore; start a new parser after
    // Complete.
    Result feed(std::string& buffer);

    // Some byte of a request (not only empty lines) has arrived.
    bool started() const { return seen_bytes_; }
    // The head is in; the body (if any) is being read.
    bool in_body() const { return state_ != State::Start && state_ != State::Head; }
    // The head asked for "Expect: 100-continue" (RFC 9110 section 10.1.1) before the body is sent.
    bool wants_continue() const { return expect_continue_ && in_body(); }

private:
    enum class State { Start, Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers };
    std::variant<NeedMore, RequestRefusal> take_head(std::string_view head);

    RequestLimits limits_;
    State state_ = State::Start;
    bool seen_bytes_ = false;
    bool expect_continue_ = false;
    bool keep_alive_ = true;
    size_t head_bytes_ = 0;
    size_t remaining_ = 0;  // of a Content-Length body or of the current chunk
    HttpRequest request_;
};

}  // namespace pkitool::exchange
