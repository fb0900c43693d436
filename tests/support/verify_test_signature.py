#!/usr/bin/env python3
"""Independent check of a sign-string signature (aws_signing_helper's fixed test string) with Python
`cryptography`: the string is rebuilt here from the certificate's public key, banner || "1" ||
SHA-256("IAM RA" || uncompressed EC point or PKCS#1 RSAPublicKey DER), and the hex signature in
SIG_FILE verified against it (ECDSA DER, or RSA PKCS#1 v1.5). Exit 0 and "verified" when it holds.

usage: verify_test_signature.py CERT.pem SHA256|SHA384|SHA512 SIG_FILE
"""
import hashlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

cert_file, digest, sig_file = sys.argv[1:4]
pub = x509.load_pem_x509_certificate(open(cert_file, 'rb').read()).public_key()
if isinstance(pub, ec.EllipticCurvePublicKey):
    raw = pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
else:
    raw = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
data = b'AWS Roles Anywhere Credential Helper Signing Test' + b'1' + hashlib.sha256(b'IAM RA' + raw).digest()
sig = bytes.fromhex(open(sig_file).read().strip())
h = {'SHA256': hashes.SHA256(), 'SHA384': hashes.SHA384(), 'SHA512': hashes.SHA512()}[digest]
if isinstance(pub, ec.EllipticCurvePublicKey):
    pub.verify(sig, data, ec.ECDSA(h))
else:
    pub.verify(sig, data, padding.PKCS1v15(), h)
print('verified')
