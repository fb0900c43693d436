#!/usr/bin/python3
# An independent Roles Anywhere client for the tests: CreateSession signed with SigV4-X509 by
# Python's `cryptography` (Debian 12's), never by pkitool (Roles Anywhere API Reference, "CreateSession"; Roles Anywhere User Guide, "Signing process").
#   create_session.py URL CERT KEY ANCHOR_ARN PROFILE_ARN ROLE_ARN [BODY [CHAIN]]   one JSON line
#   create_session.py --batch FILE   FILE: a JSON array of such argument lists; one JSON line each
import base64, datetime, hashlib, http.client, json, re, sys, urllib.parse
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding


def der64(c):
    return base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()


def enc(s):
    return urllib.parse.quote(s, safe='-_.~')


def create_session(url, certf, keyf, anchor, profile, role, body='{"durationSeconds":3600}', chainf=''):
    cert = x509.load_pem_x509_certificate(open(certf, 'rb').read())
    key = serialization.load_pem_private_key(open(keyf, 'rb').read(), None)
    host = urllib.parse.urlparse(url).netloc
    amz = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    h = {'content-type': 'application/json', 'host': host, 'x-amz-date': amz, 'x-amz-x509': der64(cert)}
    if chainf:
        # One PEM block at a time: Debian 12's cryptography (38) has no load_pem_x509_certificates.
        pems = re.findall(rb'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', open(chainf, 'rb').read(), re.S)
        if pems:
            h['x-amz-x509-chain'] = ','.join(der64(x509.load_pem_x509_certificate(p)) for p in pems)
    query = '&'.join(f'{enc(k)}={enc(v)}' for k, v in sorted([('profileArn', profile), ('roleArn', role), ('trustAnchorArn', anchor)]))
    names = sorted(h)
    creq = '\n'.join(['POST', '/sessions', query] + [f'{n}:{h[n]}' for n in names] + ['', ';'.join(names), hashlib.sha256(body.encode()).hexdigest()])
    is_ec = isinstance(key, ec.EllipticCurvePrivateKey)
    alg = 'AWS4-X509-ECDSA-SHA256' if is_ec else 'AWS4-X509-RSA-SHA256'
    scope = f'{amz[:8]}/us-east-1/rolesanywhere/aws4_request'
    sts = '\n'.join([alg, amz, scope, hashlib.sha256(creq.encode()).hexdigest()]).encode()
    sig = key.sign(sts, ec.ECDSA(hashes.SHA256())) if is_ec else key.sign(sts, padding.PKCS1v15(), hashes.SHA256())
    h['authorization'] = f'{alg} Credential={cert.serial_number}/{scope}, SignedHeaders={";".join(names)}, Signature={sig.hex()}'
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request('POST', '/sessions?' + query, body=body, headers=h)
    r = conn.getresponse()
    return {'status': r.status, 'errorType': r.getheader('X-Amzn-ErrorType'), 'body': json.loads(r.read() or b'null')}


if __name__ == '__main__':
    if sys.argv[1] == '--batch':
        for args in json.load(open(sys.argv[2])):
            print(json.dumps(create_session(*args)), flush=True)
    else:
        print(json.dumps(create_session(*sys.argv[1:9])))
