#!/usr/bin/python3
# The chain-agreement corpus (issue #8): certificate chains made with Python's `cryptography` (Debian
# 12's 38.0.4), never by pkitool, each judged by `openssl verify -x509_strict -purpose sslclient`,
# `pkitool lint --chain --anchor` and `pkitool emulate` (tests/cli/agreement_test.cpp).
#
#   make-corpus.py DIR    writes DIR/NAME/{anchor.pem,chain.pem,leaf.crt,leaf.key[,crl.pem]} and
#                         DIR/cases.json: [{"name", "ra_extra", "divergence"}...]
# ra_extra: why Roles Anywhere refuses a chain openssl accepts (Roles Anywhere User Guide, "Trust model" rules openssl does not
# have); the expected verdict is then "refused". divergence: a tool that knowingly disagrees, and why.
import datetime
import ipaddress
import warnings
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

warnings.filterwarnings("ignore", message="SHA1 signatures")  # made on purpose, for the leaf-sha1 and int-sha1 cases
NOW = datetime.datetime.utcnow().replace(microsecond=0)
DAY = datetime.timedelta(days=1)
UNKNOWN = ObjectIdentifier("1.3.6.1.4.1.55555.1.1")  # a private-enterprise arc no validator knows


def new_key(kind="ec"):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    return ec.generate_private_key(ec.SECP256R1())


def dn(cn, **attrs):
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if "o" in attrs:
        parts.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, attrs["o"]))
    if "email" in attrs:
        parts.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, attrs["email"]))
    return x509.Name(parts)


class Node:
    """A certificate and its key."""

    def __init__(self, cert, key):
        self.cert, self.key = cert, key


SERIAL = [1000]


def make(subject, key, issuer=None, *, ca, pathlen=None, ku=None, eku=(ExtendedKeyUsageOID.CLIENT_AUTH,), ski=True, aki=True,
         san=None, nc=None, extra=(), not_before=None, not_after=None, digest=None, bc=True, aki_critical=False, extra_raw=()):
    """A certificate for `subject`/`key`, signed by `issuer` (a Node) or self-signed."""
    SERIAL[0] += 1
    issuer_name = issuer.cert.subject if issuer else subject
    signing_key = issuer.key if issuer else key
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(key.public_key())
         .serial_number(SERIAL[0] * 7919).not_valid_before(not_before or NOW - DAY).not_valid_after(not_after or NOW + 30 * DAY))
    if bc:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen if ca else None), critical=True)
    if ku is None:
        ku = {"key_cert_sign", "crl_sign"} if ca else {"digital_signature"}
    if ku != "none":
        flags = dict.fromkeys(["digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
                               "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"], False)
        flags.update(dict.fromkeys(ku, True))
        b = b.add_extension(x509.KeyUsage(**flags), critical=True)
    if not ca and eku:
        b = b.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if ski:
        b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    if aki and issuer is not None:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=aki_critical)
    if san:
        b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
    if nc:
        b = b.add_extension(nc, critical=True)
    for oid, critical in extra:
        b = b.add_extension(x509.UnrecognizedExtension(oid, b"\x05\x00"), critical=critical)
    for oid, value in extra_raw:  # a known extension with contents of our making
        b = b.add_extension(x509.UnrecognizedExtension(oid, value), critical=False)
    digest = digest or (hashes.SHA384() if isinstance(signing_key, ec.EllipticCurvePrivateKey) and signing_key.curve.name == "secp384r1"
                        else hashes.SHA256())
    return Node(b.sign(signing_key, digest), key)


def root(cn="Corpus Root", kind="ec", **kw):
    return make(dn(cn, o="Corpus"), new_key(kind), None, ca=True, **kw)


def ca(cn, parent, kind="ec", **kw):
    return make(dn(cn, o="Corpus"), new_key(kind), parent, ca=True, **kw)


def leaf(parent, cn="vm.corpus.example", kind="ec", **kw):
    return make(dn(cn, **kw.pop("name_attrs", {})), new_key(kind), parent, ca=False, **kw)


def chain_to(anchor, *cas, leaf_kw=None, kind="ec"):
    return anchor, list(cas), leaf(cas[-1] if cas else anchor, kind=kind, **(leaf_kw or {}))


def deep(n, top=None, **kw):
    r = top or root()
    cas, parent = [], r
    for i in range(n):
        parent = ca(f"Level {i + 1}", parent)
        cas.append(parent)
    return r, cas, leaf(parent, **kw)


def crl_of(issuer, revoked):
    b = (x509.CertificateRevocationListBuilder().issuer_name(issuer.cert.subject).last_update(NOW - DAY).next_update(NOW + 7 * DAY)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
         .add_extension(x509.CRLNumber(1), critical=False))
    for c in revoked:
        b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(c.cert.serial_number).revocation_date(NOW - DAY).build())
    return b.sign(issuer.key, hashes.SHA256())


def nc(permitted=None, excluded=None):
    return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=excluded)


DNS, IP, EMAIL, URI, DIR = x509.DNSName, x509.IPAddress, x509.RFC822Name, x509.UniformResourceIdentifier, x509.DirectoryName
net, addr = ipaddress.ip_network, ipaddress.ip_address


def cases():
    """(name, build, ra_extra, divergence); build() -> (anchor Node, [intermediate Nodes], leaf Node[, crl])."""
    yield "ec-root-leaf", lambda: chain_to(root()), None, None
    yield "rsa-root-leaf", lambda: chain_to(root(kind="rsa"), kind="rsa"), None, None
    yield "p384-root-leaf", lambda: chain_to(root(kind="p384"), kind="p384"), None, None
    yield "rsa-root-ec-leaf", lambda: chain_to(root(kind="rsa")), None, None
    for n in range(1, 6):
        yield f"depth-{n}", lambda n=n: deep(n), None, None
    yield "depth-6", lambda: deep(6), "the path has 6 intermediates; Roles Anywhere accepts at most 5", None
    yield "depth-12", lambda: deep(12), "the path has 12 intermediates; Roles Anywhere accepts at most 5", None
    # pathLenConstraint (defect 1): on the anchor, on an intermediate, just enough, self-consistent.
    yield "root-pathlen-0-leaf", lambda: chain_to(root(pathlen=0)), None, None
    yield "root-pathlen-0-int", lambda: (lambda r: chain_to(r, ca("Sub", r)))(root(pathlen=0)), None, None
    yield "root-pathlen-1-int", lambda: (lambda r: chain_to(r, ca("Sub", r)))(root(pathlen=1)), None, None
    yield "root-pathlen-1-two-ints", lambda: (lambda r: (lambda a: chain_to(r, a, ca("B", a)))(ca("A", r)))(root(pathlen=1)), None, None
    yield "int-pathlen-0-int", lambda: (lambda r: (lambda a: chain_to(r, a, ca("B", a)))(ca("A", r, pathlen=0)))(root()), None, None
    yield "int-pathlen-0-leaf", lambda: (lambda r: chain_to(r, ca("A", r, pathlen=0)))(root()), None, None
    yield "int-pathlen-1-int", lambda: (lambda r: (lambda a: chain_to(r, a, ca("B", a)))(ca("A", r, pathlen=1)))(root()), None, None
    yield "root-pathlen-2-three-ints", lambda: deep(3, top=root(pathlen=2)), None, None
    # Critical extensions (defect 2).
    yield "leaf-unknown-critical", lambda: chain_to(root(), leaf_kw={"extra": [(UNKNOWN, True)]}), None, None
    yield "leaf-unknown-noncritical", lambda: chain_to(root(), leaf_kw={"extra": [(UNKNOWN, False)]}), None, None
    yield "int-unknown-critical", lambda: (lambda r: chain_to(r, ca("Sub", r, extra=[(UNKNOWN, True)])))(root()), None, None
    yield "int-unknown-noncritical", lambda: (lambda r: chain_to(r, ca("Sub", r, extra=[(UNKNOWN, False)])))(root()), None, None
    yield "anchor-unknown-critical", lambda: chain_to(root(extra=[(UNKNOWN, True)])), None, None
    yield "leaf-critical-aki", lambda: chain_to(root(), leaf_kw={"aki_critical": True}), None, None
    # CA rules on intermediates.
    yield "int-no-basic-constraints", lambda: (lambda r: chain_to(r, ca("Sub", r, bc=False)))(root()), None, None
    yield "int-ca-false", lambda: (lambda r: chain_to(r, make(dn("Sub"), new_key(), r, ca=False, ku={"key_cert_sign"}, eku=())))(root()), None, None
    yield "int-no-keycertsign", lambda: (lambda r: chain_to(r, ca("Sub", r, ku={"crl_sign", "digital_signature"})))(root()), None, None
    yield "int-no-key-usage", lambda: (lambda r: chain_to(r, ca("Sub", r, ku="none")))(root()), None, None
    # Validity.
    yield "leaf-expired", lambda: chain_to(root(), leaf_kw={"not_before": NOW - 10 * DAY, "not_after": NOW - DAY}), None, None
    yield "leaf-not-yet-valid", lambda: chain_to(root(), leaf_kw={"not_before": NOW + DAY, "not_after": NOW + 10 * DAY}), None, None
    yield "int-expired", lambda: (lambda r: chain_to(r, ca("Sub", r, not_before=NOW - 10 * DAY, not_after=NOW - DAY)))(root()), None, None
    yield "anchor-expired", lambda: chain_to(root(not_before=NOW - 10 * DAY, not_after=NOW - DAY)), None, None
    # Links: another key under the same name, another root, a missing or shuffled intermediate.
    yield "leaf-signed-by-impostor", lambda: (lambda r, fake: (r, [], leaf(fake)))(root(), root()), None, None
    yield "leaf-signed-by-impostor-no-aki", lambda: (lambda r, fake: (r, [], leaf(fake, aki=False)))(root(), root()), None, \
        "pkitool lint also reports rfc5280.aki (a leaf without authorityKeyIdentifier); same verdict"
    yield "leaf-of-other-root", lambda: (lambda r, other: (r, [], leaf(other)))(root(), root("Other Root")), None, None
    yield "missing-intermediate", lambda: (lambda r: (r, [], leaf(ca("Sub", r))))(root()), None, None
    yield "intermediates-reversed", lambda: (lambda r, a: (lambda b: (r, [a, b][::-1], leaf(b)))(ca("B", a)))(*(lambda r: (r, ca("A", r)))(root())), None, None
    yield "unrelated-extra-intermediate", lambda: (lambda r: (lambda a: (r, [a, ca("Stray", root("Stray Root"))], leaf(a)))(ca("A", r)))(root()), None, None
    # Roles Anywhere's own rules (Roles Anywhere User Guide, "Trust model") on the leaf.
    yield "leaf-no-key-usage", lambda: chain_to(root(), leaf_kw={"ku": "none"}), "Roles Anywhere requires keyUsage digitalSignature", None
    yield "leaf-key-encipherment-only", lambda: chain_to(root(), kind="rsa", leaf_kw={"ku": {"key_encipherment"}}), None, None
    yield "leaf-is-ca", lambda: (r := root(), [], make(dn("vm-ca"), new_key(), r, ca=True, ku={"digital_signature", "key_cert_sign"})), \
        "a Roles Anywhere end-entity certificate must be CA:FALSE", None
    yield "leaf-sha1", lambda: chain_to(root(kind="rsa"), kind="rsa", leaf_kw={"digest": hashes.SHA1()}), \
        "Roles Anywhere refuses SHA-1 signatures", None
    yield "int-sha1", lambda: (lambda r: chain_to(r, ca("Sub", r, kind="rsa", digest=hashes.SHA1())))(root(kind="rsa")), \
        "Roles Anywhere refuses SHA-1 signatures anywhere in the chain", None
    yield "leaf-sha512", lambda: chain_to(root(kind="rsa"), kind="rsa", leaf_kw={"digest": hashes.SHA512()}), None, None
    yield "leaf-no-eku", lambda: chain_to(root(), leaf_kw={"eku": ()}), None, None
    yield "leaf-eku-server-only", lambda: chain_to(root(), leaf_kw={"eku": (ExtendedKeyUsageOID.SERVER_AUTH,)}), None, \
        "openssl's sslclient purpose refuses a leaf whose extendedKeyUsage lacks clientAuth; Roles Anywhere does not require it " \
        "(pkitool lint warns profile.eku), so pkitool accepts"
    # Name constraints (RFC 5280 §4.2.1.10) on the anchor and on an intermediate.
    ok_dns = nc([DNS("corpus.example")])
    yield "nc-dns-permitted", lambda: chain_to(root(nc=ok_dns), leaf_kw={"san": [DNS("vm.corpus.example")]}), None, None
    yield "nc-dns-outside", lambda: chain_to(root(nc=ok_dns), leaf_kw={"san": [DNS("vm.other.example")]}), None, None
    yield "nc-dns-excluded", lambda: chain_to(root(nc=nc(None, [DNS("bad.corpus.example")])), leaf_kw={"san": [DNS("x.bad.corpus.example")]}), None, None
    yield "nc-dns-dot-subdomains-only", lambda: chain_to(root(nc=nc([DNS(".corpus.example")])), leaf_kw={"cn": "Plain", "san": [DNS("corpus.example")]}), None, None
    yield "nc-dns-cn-hostname-outside", lambda: chain_to(root(nc=ok_dns), leaf_kw={"cn": "vm.other.example"}), None, None
    yield "nc-dns-cn-not-hostname", lambda: chain_to(root(nc=ok_dns), leaf_kw={"cn": "MyOnpremVM"}), None, None
    yield "nc-dns-on-intermediate", lambda: (lambda r: chain_to(r, ca("Sub", r, nc=ok_dns), leaf_kw={"san": [DNS("vm.other.example")]}))(root()), None, None
    yield "nc-ipv4-permitted", lambda: chain_to(root(nc=nc([IP(net("10.0.0.0/8"))])), leaf_kw={"cn": "Plain", "san": [IP(addr("10.1.2.3"))]}), None, None
    yield "nc-ipv4-outside", lambda: chain_to(root(nc=nc([IP(net("10.0.0.0/8"))])), leaf_kw={"cn": "Plain", "san": [IP(addr("192.0.2.1"))]}), None, None
    yield "nc-ipv6-permitted", lambda: chain_to(root(nc=nc([IP(net("2001:db8::/32"))])), leaf_kw={"cn": "Plain", "san": [IP(addr("2001:db8::1"))]}), None, None
    yield "nc-ipv6-outside", lambda: chain_to(root(nc=nc([IP(net("2001:db8::/32"))])), leaf_kw={"cn": "Plain", "san": [IP(addr("2001:db9::1"))]}), None, None
    yield "nc-email-permitted", lambda: chain_to(root(nc=nc([EMAIL("corpus.example")])), leaf_kw={"cn": "Plain", "san": [EMAIL("ops@corpus.example")]}), None, None
    yield "nc-email-outside", lambda: chain_to(root(nc=nc([EMAIL("corpus.example")])), leaf_kw={"cn": "Plain", "san": [EMAIL("ops@other.example")]}), None, None
    yield "nc-email-in-subject-outside", lambda: chain_to(root(nc=nc([EMAIL("corpus.example")])),
                                                         leaf_kw={"cn": "Plain", "name_attrs": {"email": "ops@other.example"}}), None, None
    yield "nc-uri-permitted", lambda: chain_to(root(nc=nc([URI(".corpus.example")])), leaf_kw={"cn": "Plain", "san": [URI("spiffe://a.corpus.example/vm")]}), None, None
    yield "nc-uri-outside", lambda: chain_to(root(nc=nc([URI(".corpus.example")])), leaf_kw={"cn": "Plain", "san": [URI("spiffe://other.example/vm")]}), None, None
    yield "nc-dirname-permitted", lambda: chain_to(root(nc=nc([DIR(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Corpus")]))])),
                                                  leaf_kw={"cn": "Plain", "name_attrs": {"o": "Corpus"}}), None, None
    yield "nc-dirname-outside", lambda: chain_to(root(nc=nc([DIR(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Corpus")]))])),
                                                leaf_kw={"cn": "Plain", "name_attrs": {"o": "Elsewhere"}}), None, None
    yield "nc-undecodable-san", lambda: chain_to(root(nc=ok_dns), leaf_kw={"extra_raw": [(x509.oid.ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
                                                                                         b"\x30\x05\x82\x01a\x05\x00")]}), None, None
    yield "leaf-ipv6-san", lambda: chain_to(root(), leaf_kw={"san": [IP(addr("2001:db8::7")), DNS("vm.corpus.example")]}), None, None
    # Revocation through a CRL imported with the anchor.
    yield "leaf-revoked", lambda: (lambda r: (lambda l: (r, [], l, crl_of(r, [l])))(leaf(r)))(root()), None, None
    yield "leaf-not-revoked", lambda: (lambda r: (lambda l: (r, [], l, crl_of(r, [leaf(r)])))(leaf(r)))(root()), None, None


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM)


def main(out):
    index = []
    for name, build, ra_extra, divergence in cases():
        built = build()
        anchor, cas, end = built[:3]
        d = os.path.join(out, name)
        os.makedirs(d)
        with open(os.path.join(d, "anchor.pem"), "wb") as f:
            f.write(pem(anchor.cert))
        with open(os.path.join(d, "chain.pem"), "wb") as f:
            f.write(b"".join(pem(c.cert) for c in cas))
        with open(os.path.join(d, "leaf.crt"), "wb") as f:
            f.write(pem(end.cert))
        with open(os.path.join(d, "leaf.key"), "wb") as f:
            f.write(end.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        if len(built) > 3:
            with open(os.path.join(d, "crl.pem"), "wb") as f:
                f.write(built[3].public_bytes(serialization.Encoding.PEM))
        index.append({"name": name, "ra_extra": ra_extra, "divergence": divergence, "intermediates": len(cas), "crl": len(built) > 3})
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(index, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
