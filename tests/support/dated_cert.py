#!/usr/bin/python3
# Certificates with chosen validity dates, made by Python's `cryptography` (Debian 12's), not by
# pkitool: the renewal tests need certificates already 2/3 through their lifetime, or expired, and
# Debian 12's openssl 3.0 has no `x509 -not_before` to backdate one (faketime is not installed).
#   dated_cert.py OUT NOT_BEFORE NOT_AFTER [--der]
# NOT_BEFORE and NOT_AFTER are seconds relative to now ("-86400", "+3600"). Self-signed, EC P-256.
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dated " + out)])
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(seconds=before))
        .not_valid_after(now + datetime.timedelta(seconds=after))
        .sign(key, hashes.SHA256()))
encoding = serialization.Encoding.DER if "--der" in sys.argv[4:] else serialization.Encoding.PEM
with open(out, "wb") as f:
    f.write(cert.public_bytes(encoding))
