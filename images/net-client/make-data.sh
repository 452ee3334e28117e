#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the files image net-client's manifest grants tlsd as read-only MemCaps
# (ADR 0038 §3 and its amendments), and the certificates of the oracle's host servers, made in the
# build folder, never committed: openssl's test CA and certificates
# (components/tls-selftest/make-certificates.sh, with dns.vectra.test and www.vectra.test), then
#   trust.pem      what tlsd trusts: Debian's ca-certificates bundle as the build machine has it
#                  (/etc/ssl/certs/ca-certificates.crt, package ca-certificates), then the test CA
#   identity.pem   tlsd's identity (it serves nothing here; its footprint requires one)
#   made-at        the time tlsd checks certificates at (Unix seconds; the image has no calendar)
#   dns.vectra.test.pem/.key, www.vectra.test.pem/.key   the DNS-over-TLS and HTTPS servers' own
#   server.pem/.key                                      a certificate for tls.vectra.test: the server
#                  at the wrong name presents it
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
bundle=/etc/ssl/certs/ca-certificates.crt
if [ ! -s "$bundle" ]; then
    echo "make-data.sh: $bundle is missing: install Debian's ca-certificates (tools/vectra/packages.txt)" >&2
    exit 1
fi
sh "$here/../../components/tls-selftest/make-certificates.sh" "$out/certificates" dns.vectra.test www.vectra.test
cat "$bundle" "$out/certificates/ca.pem" > "$out/trust.pem"
cat "$out/certificates/server.pem" "$out/certificates/server.key" > "$out/identity.pem"
cp "$out/certificates/made-at" "$out/made-at"
for name in dns.vectra.test www.vectra.test server; do
    cp "$out/certificates/$name.pem" "$out/certificates/$name.key" "$out/"
done
