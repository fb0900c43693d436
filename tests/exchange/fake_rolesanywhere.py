#!/usr/bin/python3
"""Independent test oracle for pkitool's SigV4-X509 client: a fake IAM Roles Anywhere CreateSession
endpoint written only with Python's `cryptography` and `botocore` (no pkitool code).

It rebuilds the canonical request from what it received and the SignedHeaders list (with botocore's
SigV4 canonicalisation), verifies the X.509 signature with the leaf's public key (RSA PKCS#1 v1.5 or
ECDSA DER, SHA-256), checks that Credential= is the leaf serial in decimal, that x-amz-x509 (and the
chain header when sent) are signed, that the chain links leaf → intermediates (→ --anchor), and then
answers a CreateSession-shaped 201. Refusals use the AWS error shape (X-Amzn-ErrorType + message).

Usage: fake_rolesanywhere.py [--anchor CA.pem] [--tamper body|query|date|signature] [--log FILE]
                             [--lifetime SECONDS] [--fail-after N] [--expiration-format STRFTIME]
                             [--expires-in SECONDS]
                             [--tls-cert CERT.pem --tls-key KEY.pem]
--expires-in answers credentials that expire that soon whatever the duration asked (a client's
refresh loop can then be seen at work without waiting an hour).
Prints "PORT <n>" on stdout once listening on 127.0.0.1 (random port); exits after --lifetime.
With --tls-cert and --tls-key it speaks HTTPS (Python's ssl module) with that certificate, as a
private endpoint would.
"""
import argparse
import base64
import datetime
import hashlib
import json
import secrets
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa


class Refusal(Exception):
    def __init__(self, status, error_type, message):
        super().__init__(message)
        self.status, self.error_type, self.message = status, error_type, message


class OnlySignedHeaders(SigV4Auth):
    """botocore's canonicalisation, restricted to the headers the client said it signed."""

    def __init__(self, signed):
        self._signed = signed  # no credentials: we only use the canonicalisation methods

    def headers_to_sign(self, request):
        m = HTTPHeaders()
        for name in self._signed:
            if name not in request.headers:
                raise Refusal(403, "AccessDeniedException", f"Signed header {name} is missing")
            m[name] = request.headers[name]
        return m


def parse_authorization(value):
    algorithm, _, rest = value.partition(" ")
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    return algorithm, fields["Credential"], fields["SignedHeaders"].split(";"), fields["Signature"]


def issued_by(child, parent):
    """Name link plus the parent's signature on the child (works with Debian 12's cryptography 38,
    which predates Certificate.verify_directly_issued_by)."""
    if child.issuer != parent.subject:
        return False
    key = parent.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(child.signature, child.tbs_certificate_bytes, padding.PKCS1v15(), child.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(child.signature, child.tbs_certificate_bytes, ec.ECDSA(child.signature_hash_algorithm))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_signature(cert, algorithm, sts, signature):
    key = cert.public_key()
    if algorithm == "AWS4-X509-RSA-SHA256" and isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, sts, padding.PKCS1v15(), hashes.SHA256())
    elif algorithm == "AWS4-X509-ECDSA-SHA256" and isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, sts, ec.ECDSA(hashes.SHA256()))
    else:
        raise InvalidSignature()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: tests read stdout for the port only
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        try:
            status, payload, error_type = 201, self.create_session(body), None
        except Refusal as r:
            status, payload, error_type = r.status, {"message": r.message}, r.error_type
        except Exception as e:  # malformed input of any kind: a 400, never a crash
            status, payload, error_type = 400, {"message": f"Malformed request: {e}"}, "ValidationException"
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if error_type:
            self.send_header("X-Amzn-ErrorType", error_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def create_session(self, body):
        opts = self.server.opts
        with self.server.lock:
            self.server.count += 1
            if opts.fail_after is not None and self.server.count > opts.fail_after:
                raise Refusal(403, "AccessDeniedException", "Profile is disabled")
        path = self.path
        headers = {k.lower(): v for k, v in self.headers.items()}
        # Simulated tampering in transit: the signature must then fail to verify.
        if opts.tamper == "body":
            body = body.replace(b"3600", b"3601") if b"3600" in body else body + b" "
        elif opts.tamper == "query":
            path = path.replace("roleArn=", "roleArn=x")
        elif opts.tamper == "date":
            # Same day (the scope still matches), another second: only the signature can catch it.
            d = headers["x-amz-date"]
            headers["x-amz-date"] = d[:9] + ("000001Z" if d[9:] == "000000Z" else "000000Z")
        elif opts.tamper == "signature":
            auth = headers["authorization"]
            headers["authorization"] = auth[:-1] + ("0" if auth[-1] != "0" else "1")

        algorithm, credential, signed, signature_hex = parse_authorization(headers["authorization"])
        if "x-amz-x509" not in signed:
            raise Refusal(403, "AccessDeniedException", "x-amz-x509 must be signed")
        if "x-amz-x509-chain" in headers and "x-amz-x509-chain" not in signed:
            raise Refusal(403, "AccessDeniedException", "x-amz-x509-chain must be signed")
        leaf = x509.load_der_x509_certificate(base64.b64decode(headers["x-amz-x509"], validate=True))
        chain = []
        if "x-amz-x509-chain" in headers:
            chain = [x509.load_der_x509_certificate(base64.b64decode(c, validate=True))
                     for c in headers["x-amz-x509-chain"].split(",")]
        serial, date8, region, service, terminator = credential.split("/")
        if serial != str(leaf.serial_number):
            raise Refusal(403, "AccessDeniedException", f"Credential {serial} is not the certificate serial {leaf.serial_number}")
        if service != "rolesanywhere" or terminator != "aws4_request" or date8 != headers["x-amz-date"][:8]:
            raise Refusal(403, "AccessDeniedException", "Invalid credential scope")

        request = AWSRequest(method=self.command, url="http://" + headers["host"] + path, data=body,
                             headers={k: v for k, v in headers.items() if k in signed})
        canonical = OnlySignedHeaders(signed).canonical_request(request)
        sts = "\n".join([algorithm, headers["x-amz-date"], "/".join([date8, region, service, terminator]),
                         hashlib.sha256(canonical.encode()).hexdigest()])
        try:
            verify_signature(leaf, algorithm, sts.encode(), bytes.fromhex(signature_hex))
        except (InvalidSignature, ValueError):
            raise Refusal(403, "AccessDeniedException", "Invalid signature")

        # Chain: each certificate issued by the next, the last by the anchor when one is given.
        path_certs = [leaf] + chain + ([opts.anchor] if opts.anchor else [])
        for child, parent in zip(path_certs, path_certs[1:]):
            if not issued_by(child, parent):
                raise Refusal(403, "AccessDeniedException", "Untrusted signing certificate")

        query = dict(p.split("=", 1) for p in self.path.split("?", 1)[1].split("&"))
        from urllib.parse import unquote
        role_arn = unquote(query["roleArn"])
        request_body = json.loads(body)
        duration = int(request_body.get("durationSeconds", 3600))
        cn = leaf.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
        session = request_body.get("roleSessionName", format(leaf.serial_number, "x"))
        lasts = opts.expires_in if opts.expires_in is not None else duration
        expiration = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=lasts)
        if opts.log:
            with self.server.lock, open(opts.log, "a") as f:
                f.write(json.dumps({"algorithm": algorithm, "signed_headers": signed, "chain": len(chain),
                                    "serial": serial, "region": region, "duration": duration}) + "\n")
        account = role_arn.split(":")[4]
        return {
            "credentialSet": [{
                "assumedRoleUser": {"arn": f"arn:aws:sts::{account}:assumed-role/{role_arn.split('/')[-1]}/{session}",
                                    "assumedRoleId": "AROAFAKE:" + session},
                "credentials": {"accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                                "expiration": expiration.strftime(opts.expiration_format),
                                "secretAccessKey": secrets.token_urlsafe(30),
                                "sessionToken": "FAKE" + secrets.token_urlsafe(60)},
                "packedPolicySize": 0,
                "roleArn": role_arn,
                "sourceIdentity": "CN=" + cn,
            }],
            "subjectArn": f"arn:aws:rolesanywhere:{region}:{account}:subject/00000000-0000-0000-0000-000000000000",
        }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchor")
    ap.add_argument("--tamper", choices=["body", "query", "date", "signature"])
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=120)
    ap.add_argument("--fail-after", type=int)
    ap.add_argument("--expires-in", type=int)
    # Another RFC 3339 spelling (e.g. "%Y-%m-%dT%H:%M:%S.000+00:00"), to tell passing it through from re-rendering.
    ap.add_argument("--expiration-format", default="%Y-%m-%dT%H:%M:%SZ")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    opts = ap.parse_args()
    if bool(opts.tls_cert) != bool(opts.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    if opts.anchor:
        with open(opts.anchor, "rb") as f:
            opts.anchor = x509.load_pem_x509_certificate(f.read())
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if opts.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(opts.tls_cert, opts.tls_key)
        # The handshake happens in the handler's thread (on its first read), so a client that
        # refuses the certificate costs that thread only, never the accept loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        # A client refusing the certificate is what some tests want: no traceback for that.
        default_handle_error = server.handle_error
        server.handle_error = lambda request, address: (
            None if isinstance(sys.exc_info()[1], ssl.SSLError) else default_handle_error(request, address))
    server.daemon_threads = True
    server.opts, server.lock, server.count = opts, threading.Lock(), 0
    # Never outlive the test that started it, even if that test forgot to stop it.
    threading.Timer(opts.lifetime, server.shutdown).start()
    print("PORT", server.server_address[1], flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
