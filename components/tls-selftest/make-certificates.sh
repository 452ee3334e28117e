#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-certificates.sh OUTPUT_FOLDER [HOST...]
#
# The certificates the TLS host tests and the tls-selftest image use, made fresh by Debian's
# openssl in the build folder (no key is ever committed), all ECDSA P-256 with SHA-256:
#   ca.pem                the CA the client trusts
#   server.pem/.key       tls.vectra.test, signed by the CA, valid from an hour ago for 10 years
#   expired.pem/.key      tls.vectra.test, signed by the CA, valid 2020-01-01 to 2020-01-02 only
#   stranger.pem/.key     tls.vectra.test, signed by another CA (stranger-ca.pem) nobody trusts
#   HOST.pem/.key         for each HOST named after the folder: a certificate for HOST, signed by the CA
#   made-at               when they were made (Unix seconds): the time an image checks them at
set -eu
out=$1
shift
mkdir -p "$out"
cd "$out"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A CA: key, self-signed certificate with basicConstraints CA:true.
make_ca() {
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "/O=Vectra tests/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$1.pem"
}

# A server certificate for host $5 (tls.vectra.test when not given) signed by CA $2 with `openssl ca`,
# which takes explicit validity dates (start $3, end $4, YYYYMMDDHHMMSSZ).
make_server() {
    # Its own names: shell functions share variables, and the callers' start and end must survive.
    name=$1 ca=$2 valid_from=$3 valid_to=$4 host=${5:-tls.vectra.test}
    key "$name.key"
    openssl req -new -key "$name.key" -subj "/O=Vectra tests/CN=$host" -out "$work/$name.csr"
    rm -rf "$work/db" && mkdir -p "$work/db" && : > "$work/db/index.txt"
    cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
database = $work/db/index.txt
new_certs_dir = $work/db
serial = $work/db/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
x509_extensions = server
[any]
organizationName = optional
commonName = supplied
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$host
CNF
    openssl rand -hex 16 > "$work/db/serial"
    openssl ca -batch -notext -config "$work/ca.cnf" -cert "$ca.pem" -keyfile "$ca.key" \
        -startdate "$valid_from" -enddate "$valid_to" -in "$work/$name.csr" -out "$name.pem" 2>/dev/null
}

now=$(date -u +%s)
start=$(date -u -d "@$((now - 3600))" +%Y%m%d%H%M%SZ)
end=$(date -u -d "@$((now + 3650 * 86400))" +%Y%m%d%H%M%SZ)

make_ca ca "Vectra test CA"
make_ca stranger-ca "Stranger CA"
make_server server ca "$start" "$end"
make_server expired ca 20200101000000Z 20200102000000Z
make_server stranger stranger-ca "$start" "$end"
for host in "$@"; do
    make_server "$host" ca "$start" "$end" "$host"
done
# Written last: every certificate above (the CAs' notBefore is the second each was made) is valid
# at this time, except the expired one.
date -u +%s > made-at
