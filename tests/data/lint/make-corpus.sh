#!/usr/bin/env bash
# Builds the lint test corpus with openssl in the current directory (see README.md).
set -euo pipefail
cat > ext.cnf <<'X'
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf_ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf_noku]
basicConstraints=critical,CA:FALSE
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf_keyenc]
basicConstraints=critical,CA:FALSE
keyUsage=critical,keyEncipherment
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf_san]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=critical,DNS:vm.example
[leaf_noaki]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=none
[anchor_nokcs]
basicConstraints=critical,CA:TRUE
keyUsage=critical,cRLSign,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[anchor_notca]
basicConstraints=critical,CA:FALSE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[ca_noski]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=none
authorityKeyIdentifier=keyid
[ca_ku_noncrit]
basicConstraints=critical,CA:TRUE
keyUsage=keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
X
cat > ca.cnf <<'X'
[ca]
default_ca=CA_default
[CA_default]
dir=.
database=index.txt
new_certs_dir=newcerts
certificate=root.crt
private_key=root.key
serial=serial.txt
default_md=sha256
policy=pol
unique_subject=no
default_crl_days=30
[pol]
commonName=supplied
X
mkdir -p newcerts
: > index.txt
echo 1001 > serial.txt
q() { "$@" 2>/dev/null >/dev/null; }
ec() { openssl ecparam -genkey -name prime256v1 -noout -out "$1"; }
csr() { ec "$1.key"; q openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"; }
selfsign() { q openssl x509 -req -in "$1.csr" -signkey "$1.key" -extfile ext.cnf -extensions "$2" -days 3650 -out "$1.crt"; }
# sign NAME ISSUER SECTION [openssl x509 flags...]
sign() { q openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -extfile ext.cnf -extensions "$3" -days 365 -out "$1.crt" "${@:4}"; }
# dated NAME SECTION START END: openssl ca, the one way to choose arbitrary dates in OpenSSL 3.0
dated() { q openssl ca -batch -config ca.cnf -in "$1.csr" -out "$1.crt" -extfile ext.cnf -extensions "$2" -startdate "$3" -enddate "$4" -notext; }

csr root "/CN=Lint Root/O=Example";       selfsign root ca
csr other "/CN=Other Root";               selfsign other ca
# Clean certificates: no error expected.
csr clean-ec "/CN=clean-ec/O=Example";    sign clean-ec root leaf
q openssl genrsa -out clean-rsa.key 2048
q openssl req -new -key clean-rsa.key -subj "/CN=clean-rsa" -out clean-rsa.csr; sign clean-rsa root leaf
csr inter "/CN=Lint Intermediate";        sign inter root ca
csr via-inter "/CN=via-inter";            sign via-inter inter leaf       # clean with --chain inter.crt; ra.chain.untrusted without
# One defect each.
csr v1 "/CN=v1";                          q openssl x509 -req -in v1.csr -CA root.crt -CAkey root.key -days 365 -out v1.crt  # ra.ee.version
csr leaf-ca "/CN=leaf-ca";                sign leaf-ca root leaf_ca       # ra.ee.basic-constraints
csr no-ku "/CN=no-ku";                    sign no-ku root leaf_noku       # ra.ee.digital-signature
csr ku-no-ds "/CN=ku-no-ds";              sign ku-no-ds root leaf_keyenc  # ra.ee.digital-signature
csr sha1 "/CN=sha1";                      sign sha1 root leaf -sha1       # ra.sig.hash
ec empty.key; q openssl req -new -key empty.key -subj "/" -out empty.csr; sign empty root leaf_san  # ra.ee.subject-empty
csr wrong-issuer "/CN=wrong-issuer";      sign wrong-issuer other leaf    # ra.chain.untrusted
openssl genpkey -algorithm ed25519 -out ed25519.key
q openssl req -new -key ed25519.key -subj "/CN=ed25519" -out ed25519.csr; sign ed25519 root leaf  # ra.key.type
csr expired "/CN=expired";                dated expired leaf 20200101000000Z 20210101000000Z   # ra.validity.expired
csr future "/CN=future";                  dated future leaf 20400101000000Z 20410101000000Z    # ra.validity.not-yet-valid
csr inverted "/CN=inverted";              dated inverted leaf 20300101000000Z 20290101000000Z  # rfc5280.validity-order
csr expiring "/CN=expiring";              sign expiring root leaf -days 10                      # ra.validity.expiring (warning)
csr serial-zero "/CN=serial-zero";        sign serial-zero root leaf -set_serial 0              # rfc5280.serial
csr serial-long "/CN=serial-long";        sign serial-long root leaf -set_serial 0x0102030405060708090a0b0c0d0e0f101112131415  # rfc5280.serial
csr no-aki "/CN=no-aki";                  sign no-aki root leaf_noaki     # rfc5280.aki
csr ca-no-ski "/CN=ca-no-ski";            sign ca-no-ski root ca_noski    # rfc5280.ca.ski
csr ca-ku-noncrit "/CN=ca-ku-noncrit";    sign ca-ku-noncrit root ca_ku_noncrit  # rfc5280.ca.key-usage-critical (warning)
csr anchor-nokcs "/CN=anchor-nokcs";      selfsign anchor-nokcs anchor_nokcs  # ra.anchor.key-cert-sign
csr anchor-notca "/CN=anchor-notca";      selfsign anchor-notca anchor_notca  # ra.anchor.ca
# Same name and key identifier scheme as the root, another key: ra.chain.key-id for what it signs.
csr impostor "/CN=Lint Root/O=Example";   selfsign impostor ca
csr by-impostor "/CN=by-impostor";        sign by-impostor impostor leaf
# Six intermediates under the root: ra.chain.depth for deep.crt with --chain chain6.pem.
prev=root; : > chain6.pem
for i in 1 2 3 4 5 6; do csr "i$i" "/CN=Deep Intermediate $i"; sign "i$i" "$prev" ca; cat "i$i.crt" >> chain6.pem; prev="i$i"; done
csr deep "/CN=deep";                      sign deep i6 leaf
# Revocation: revoked.crt is on root.crl (ra.crl.revoked); stale.crl is past nextUpdate
# (ra.crl.expired); forged.crl names the root but the impostor signed it (ra.crl.signature).
csr revoked "/CN=revoked";                dated revoked leaf 20250101000000Z 20350101000000Z
q openssl ca -config ca.cnf -revoke revoked.crt
q openssl ca -config ca.cnf -gencrl -out root.crl
q openssl ca -config ca.cnf -gencrl -crl_lastupdate 20200101000000Z -crl_nextupdate 20200201000000Z -out stale.crl
q openssl ca -config ca.cnf -gencrl -keyfile impostor.key -cert impostor.crt -out forged.crl
# Trust anchor bundles: three certificates; and two certificates padded past 8000 characters.
cat root.crt other.crt inter.crt > bundle-3.pem
{ head -c 7000 /dev/zero | tr '\0' '#'; echo; cat root.crt other.crt; } > bundle-big.pem
# Not certificates at all.
echo "hello" > garbage.crt
head -c 300 clean-ec.crt > truncated.crt
