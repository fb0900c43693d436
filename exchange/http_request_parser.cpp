// Strict HTTP/1.1 request parsing (RFC 9112) with caps on every part.
#include "exchange/http_request_parser.h"

#include "base/error.h"
#include "exchange/url_query.h"

#include <algorithm>
#include <set>

namespace pkitool::exchange {

namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kMaxChunkLine = 1024;

bool is_tchar(unsigned char c) {  // RFC 9110 §5.6.2 token characters
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return is_tchar(c); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// RFC 9110 §5.5: field values are VCHAR, obs-text, SP and HTAB; anything else (NUL, bare CR) is refused.
bool is_field_value(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); });
}

bool has_token(std::string_view list, std::string_view token) {  // "keep-alive, Upgrade" contains "upgrade"
    const auto l = lower(list);
    size_t at = 0;
    while (at <= l.size()) {
        const auto comma = std::min(l.find(',', at), l.size());
        if (trim_ows(std::string_view(l).substr(at, comma - at)) == token) return true;
        at = comma + 1;
    }
    return false;
}

RequestRefusal refuse(int status, std::string message) { return {status, std::move(message)}; }

}  // namespace

std::variant<HttpRequestParser::NeedMore, RequestRefusal> HttpRequestParser::take_head(std::string_view head) {
    if (head.find('\0') != std::string_view::npos) return refuse(400, "NUL byte in the request head");
    std::vector<std::string_view> lines;
    for (size_t at = 0; at < head.size();) {
        const auto end = head.find(kCrlf, at);
        lines.push_back(head.substr(at, end - at));
        at = end + 2;
    }
    for (const auto line : lines)
        if (line.find_first_of("\r\n") != std::string_view::npos)
            return refuse(400, "bare CR or LF in the request head (lines end with CRLF, RFC 9112 section 2.2)");

    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
    const auto request_line = lines.front();
    const auto sp1 = request_line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos)
        return refuse(400, "malformed request line");
    const auto method = request_line.substr(0, sp1);
    const auto target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto version = request_line.substr(sp2 + 1);
    if (!is_token(method)) return refuse(400, "malformed request method");
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return version.substr(0, 5) == "HTTP/" ? refuse(505, "HTTP version " + std::string(version) + " is not supported (use HTTP/1.1)")
                                              : refuse(400, "malformed request line");
    // Origin form only (RFC 9112 §3.2.1): an absolute URL here is a proxy request, never a client of ours.
    if (target.empty() || target.front() != '/' ||
        !std::all_of(target.begin(), target.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }))
        return refuse(400, "the request target must be a path starting with '/'");
    const bool http10 = version == "HTTP/1.0";

    if (lines.size() - 1 > limits_.max_header_lines)
        return refuse(431, "more than " + std::to_string(limits_.max_header_lines) + " header lines");
    std::set<std::string> seen;
    request_.headers.clear();
    for (size_t i = 1; i < lines.size(); ++i) {
        const auto line = lines[i];
        // RFC 9112 §5.2: obs-fold is obsolete; a server may refuse it with 400, and AWS does.
        if (line.front() == ' ' || line.front() == '\t') return refuse(400, "obsolete line folding (a header line starting with whitespace)");
        const auto colon = line.find(':');
        // RFC 9112 §5.1: no whitespace between the field name and the colon.
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
            return refuse(400, "malformed header line " + std::to_string(i));
        const auto name = line.substr(0, colon);
        const auto value = trim_ows(line.substr(colon + 1));
        if (!is_field_value(value)) return refuse(400, "control character in header " + std::string(name));
        // One value per name: which of two Authorization or X-Amz-Date headers was signed is
        // ambiguous, and AWS refuses both; no client of these endpoints sends any header twice.
        if (!seen.insert(lower(name)).second) return refuse(400, "header " + std::string(name) + " appears more than once");
        request_.headers.emplace_back(std::string(name), std::string(value));
    }

    const auto header = [this](const char* n) { return request_.header(n); };
    if (!http10 && !header("Host")) return refuse(400, "Host header missing (required in HTTP/1.1, RFC 9112 section 3.2)");
    const auto connection = header("Connection");
    keep_alive_ = http10 ? connection && has_token(*connection, "keep-alive") : !(connection && has_token(*connection, "close"));
    if (const auto expect = header("Expect")) {
        if (lower(*expect) != "100-continue") return refuse(417, "unsupported expectation: " + *expect);
        expect_continue_ = !http10;
    }

    request_.method = std::string(method);
    const auto q = target.find('?');
    request_.path = std::string(target.substr(0, q));
    request_.query.clear();
    if (q != std::string_view::npos) request_.query = parse_url_query(std::string(target.substr(q + 1)), PlusMeans::Plus);

    const auto te = header("Transfer-Encoding");
    const auto cl = header("Content-Length");
    if (te) {
        // RFC 9112 §6.1: both framings at once is how requests are smuggled past a proxy.
        if (cl) return refuse(400, "both Transfer-Encoding and Content-Length");
        if (http10) return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
        if (lower(*te) != "chunked") return refuse(501, "Transfer-Encoding " + *te + " is not supported (only chunked)");
        state_ = State::ChunkSize;
    } else if (cl) {
        if (cl->empty() || cl->size() > 18 || !std::all_of(cl->begin(), cl->end(), [](unsigned char c) { return std::isdigit(c); }))
            return refuse(400, "malformed Content-Length");
        remaining_ = std::stoull(*cl);
        if (remaining_ > limits_.max_body_bytes)
            return refuse(413, "request body larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
        state_ = State::Body;
    } else {
        remaining_ = 0;
        state_ = State::Body;
    }
    return NeedMore{};
}

HttpRequestParser::Result HttpRequestParser::feed(std::string& buffer) {
    size_t at = 0;  // bytes of `buffer` consumed so far
    const auto consume = [&](size_t n) { at += n; };
    const auto finish = [&](Result r) {
        buffer.erase(0, at);
        return r;
    };
    for (;;) {
        const std::string_view rest = std::string_view(buffer).substr(at);
        switch (state_) {
            case State::Start:
                // RFC 9112 §2.2: empty lines before a request line are ignored (some clients send
                // a CRLF after a POST body).
                while (std::string_view(buffer).substr(at, 2) == kCrlf) consume(2);
                // A lone CR may be the first half of one more empty line: wait for the next byte.
                if (at == buffer.size() || std::string_view(buffer).substr(at) == "\r") return finish(NeedMore{});
                seen_bytes_ = true;
                state_ = State::Head;
                break;
            case State::Head: {
                const auto end = rest.find("\r\n\r\n");
                if (end == std::string_view::npos || end + 4 > limits_.max_head_bytes) {
                    if (rest.size() >= limits_.max_head_bytes || end != std::string_view::npos)
                        return finish(refuse(431, "request head larger than " + std::to_string(limits_.max_head_bytes) + " bytes"));
                    return finish(NeedMore{});
                }
                head_bytes_ = end + 4;
                try {
                    auto taken = take_head(rest.substr(0, end + 2));
                    if (auto* r = std::get_if<RequestRefusal>(&taken)) return finish(std::move(*r));
                } catch (const Error& e) {  // a query string that does not decode
                    return finish(refuse(400, e.what()));
                }
                consume(end + 4);
                break;
            }
            case State::Body: {
                const size_t n = std::min(remaining_, rest.size());
                request_.body.append(rest.substr(0, n));
                consume(n);
                remaining_ -= n;
                if (remaining_ > 0) return finish(NeedMore{});
                state_ = State::Start;
                return finish(Complete{std::move(request_), keep_alive_});
            }
            case State::ChunkSize: {
                const auto end = rest.find(kCrlf);
                if (end == std::string_view::npos) {
                    if (rest.size() > kMaxChunkLine) return finish(refuse(400, "chunk-size line too long"));
                    return finish(NeedMore{});
                }
                const auto line = rest.substr(0, end);
                const auto digits = line.substr(0, std::min(line.find(';'), line.size()));  // chunk extensions are ignored
                if (digits.empty() || digits.size() > 8 || !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isxdigit(c); }))
                    return finish(refuse(400, "malformed chunk size"));
                const size_t size = std::stoul(std::string(digits), nullptr, 16);
                consume(end + 2);
                if (size == 0) {
                    state_ = State::Trailers;
                    break;
                }
                // Refused as soon as the declared size passes the cap, before any of it is read.
                if (request_.body.size() + size > limits_.max_body_bytes)
                    return finish(refuse(413, "request body larger than " + std::to_string(limits_.max_body_bytes) + " bytes"));
                remaining_ = size;
                state_ = State::ChunkData;
                break;
            }
            case State::ChunkData: {
                const size_t n = std::min(remaining_, rest.size());
                request_.body.append(rest.substr(0, n));
                consume(n);
                remaining_ -= n;
                if (remaining_ > 0) return finish(NeedMore{});
                state_ = State::ChunkDataEnd;
                break;
            }
            case State::ChunkDataEnd:
                if (rest.size() < 2) return finish(NeedMore{});
                if (rest.substr(0, 2) != kCrlf) return finish(refuse(400, "chunk data longer than its size"));
                consume(2);
                state_ = State::ChunkSize;
                break;
            case State::Trailers: {
                const auto end = rest.find(kCrlf);
                if (end == std::string_view::npos) {
                    if (head_bytes_ + rest.size() > limits_.max_head_bytes) return finish(refuse(431, "chunked trailers too large"));
                    return finish(NeedMore{});
                }
                consume(end + 2);
                head_bytes_ += end + 2;
                if (head_bytes_ > limits_.max_head_bytes) return finish(refuse(431, "chunked trailers too large"));
                if (end == 0) {  // trailer fields are read past, never merged into the headers that were signed
                    state_ = State::Start;
                    return finish(Complete{std::move(request_), keep_alive_});
                }
                break;
            }
        }
    }
}

}  // namespace pkitool::exchange
