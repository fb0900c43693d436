#!/usr/bin/python3
"""A forward HTTP proxy for the tests, written with the standard library only: it logs every
request it forwards, one line each ("CONNECT host:port" for a tunnel, RFC 9110 section 9.3.6;
"METHOD absolute-URI" for a plain-HTTP request in absolute form, RFC 9112 section 3.2.2), then
sends it to 127.0.0.1 at the port asked for, whatever the host name. So an endpoint named
roles.proxy-test.invalid (RFC 6761 section 6.4: never resolves) is reachable through this proxy
only, and its log says what went through it.

Usage: logging_proxy.py --log FILE [--lifetime SECONDS]
Prints "PORT <n>" on stdout once listening on 127.0.0.1 (random port); exits after --lifetime.
"""
import argparse
import socket
import socketserver
import sys
import threading
import urllib.parse


def relay(a, b):
    """Copies a to b until a closes, then half-closes b."""
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    try:
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass


class Handler(socketserver.StreamRequestHandler):
    # Unbuffered: after a CONNECT head nothing the client sent may stay behind in a buffer.
    rbufsize = 0

    def read_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.rfile.read(n - len(data))
            if not chunk:
                break
            data += chunk
        return data

    def log(self, line):
        with self.server.lock, open(self.server.log, "a") as f:
            f.write(line + "\n")

    def handle(self):
        request_line = self.rfile.readline(8192).decode("latin-1").rstrip("\r\n")
        if not request_line:
            return
        method, target, version = request_line.split(" ", 2)
        headers = []
        while True:
            line = self.rfile.readline(8192).decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            headers.append(line.rstrip("\r\n"))
        self.log(f"{method} {target}")
        if method == "CONNECT":
            port = int(target.rsplit(":", 1)[1])
            upstream = socket.create_connection(("127.0.0.1", port))
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            t = threading.Thread(target=relay, args=(upstream, self.connection), daemon=True)
            t.start()
            relay(self.connection, upstream)
            t.join(10)
            upstream.close()
            return
        url = urllib.parse.urlsplit(target)
        length = 0
        kept = []
        for h in headers:
            name, _, value = h.partition(":")
            if name.lower() in ("proxy-connection", "connection", "proxy-authorization"):
                continue
            if name.lower() == "content-length":
                length = int(value.strip())
            kept.append(h)
        body = self.read_exact(length)
        path = url.path + ("?" + url.query if url.query else "")
        upstream = socket.create_connection(("127.0.0.1", url.port or 80))
        head = f"{method} {path} {version}\r\n" + "".join(h + "\r\n" for h in kept) + "Connection: close\r\n\r\n"
        upstream.sendall(head.encode("latin-1") + body)
        relay(upstream, self.connection)
        upstream.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=float, default=120)
    opts = ap.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    server.log, server.lock = opts.log, threading.Lock()
    open(opts.log, "a").close()
    threading.Timer(opts.lifetime, server.shutdown).start()
    print("PORT", server.server_address[1], flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
