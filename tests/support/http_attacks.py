#!/usr/bin/env python3
"""What a hostile local process can do to a loopback HTTP endpoint, measured from outside.

  http_attacks.py starve PORT CONNECTIONS REQUEST   open CONNECTIONS connections, half idle and half
      trickling a request head a byte at a time, then time one valid REQUEST (imds or emulate);
      prints {"seconds": ..., "status": ...}
  http_attacks.py chunked PORT METHOD PATH MEGABYTES   send a chunked body of that size as fast as
      the server takes it; prints {"status": ..., "sent_mb": ...}
  http_attacks.py raw PORT HEX   send the bytes and print the status line of the answer
"""
import json
import socket
import sys
import threading
import time


def status_of(sock, limit=1 << 20):
    data = b""
    while b"\r\n" not in data and len(data) < limit:
        piece = sock.recv(65536)
        if not piece:
            break
        data += piece
    line = data.split(b"\r\n")[0].decode("latin-1")
    return int(line.split()[1]) if line.startswith("HTTP/1.1 ") else 0


def starve(port, count, kind):
    held = []
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        if i % 2:
            s.sendall(b"POST /sessions HTTP/1.1\r\nHost: x\r\n")
        held.append(s)
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for s in held[1::2]:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass
            time.sleep(0.2)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    time.sleep(0.5)
    if kind == "imds":
        request = b"PUT /latest/api/token HTTP/1.1\r\nHost: x\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nConnection: close\r\n\r\n"
    else:
        request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    began = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(request)
        status = status_of(s)
    except OSError:
        status = 0
    seconds = time.monotonic() - began
    stop.set()
    for h in held:
        h.close()
    print(json.dumps({"seconds": round(seconds, 4), "status": status}))


def chunked(port, method, path, megabytes):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
    chunk = b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n"
    answer = {}
    answered = threading.Event()

    def read():  # the answer may come before the body ends: that is the point
        try:
            answer["status"] = status_of(s)
        except OSError:
            answer["status"] = 0
        answered.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    sent = 0
    try:
        while sent < megabytes * 16 and not answered.is_set():
            s.sendall(chunk)  # blocking, whole chunks: the framing stays valid
            sent += 1
        if not answered.is_set():
            s.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    answered.wait(30)
    s.close()
    print(json.dumps({"status": answer.get("status", 0), "sent_mb": round(sent / 16, 2)}))


def raw(port, hexdata):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(bytes.fromhex(hexdata))
    try:
        print(status_of(s))
    except OSError:
        print(0)


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "starve":
        starve(port, int(sys.argv[3]), sys.argv[4])
    elif mode == "chunked":
        chunked(port, sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        raw(port, sys.argv[3])
