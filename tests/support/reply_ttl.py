"""The IP TTL (IPv6 hop limit) of the packets a server sends, read off the loopback wire.

Usage: reply_ttl.py ADDRESS PORT. Opens a packet socket on `lo` (needs CAP_NET_RAW), sends one
HTTP GET to ADDRESS:PORT, and prints the sorted distinct TTLs of the packets whose TCP source port
is PORT as JSON. An oracle independent of the server's own setsockopt call: the kernel writes
these header fields (RFC 791 section 3.1 Time to Live, RFC 8200 section 3 Hop Limit).
"""
import json, socket, struct, sys, time

ETH_P_ALL = 0x0003
address, port = sys.argv[1], int(sys.argv[2])
sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
sniffer.bind(("lo", 0))
sniffer.settimeout(0.2)

family = socket.AF_INET6 if ":" in address else socket.AF_INET
with socket.socket(family, socket.SOCK_STREAM) as client:
    client.settimeout(10)
    client.connect((address, port))
    client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    while client.recv(4096):
        pass

ttls = set()
deadline = time.monotonic() + 2
while time.monotonic() < deadline:
    try:
        frame = sniffer.recv(65535)
    except socket.timeout:
        break
    ethertype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800 and ip[9] == 6:  # IPv4 carrying TCP
        ttl, tcp = ip[8], ip[(ip[0] & 0x0F) * 4:]
    elif ethertype == 0x86DD and ip[6] == 6:  # IPv6, next header TCP (no extension headers here)
        ttl, tcp = ip[7], ip[40:]
    else:
        continue
    if struct.unpack("!H", tcp[0:2])[0] == port:
        ttls.add(ttl)
print(json.dumps(sorted(ttls)))
