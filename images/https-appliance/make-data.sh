#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the files image https-appliance's manifest grants as read-only MemCaps
# (ADR 0038 §3), made in the build folder, never committed: openssl's certificates
# (components/tls-selftest/make-certificates.sh), then
#   identity.pem   tlsd's identity: the certificate for tls.vectra.test, the name the oracle's HTTPS client asks for, then its private key
#   ca.pem         the one CA tlsd trusts, and the CA the oracle verifies the appliance against
#   made-at        the time tlsd checks certificates at (Unix seconds; the image has no calendar)
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../../components/tls-selftest/make-certificates.sh" "$out/certificates"
cat "$out/certificates/server.pem" "$out/certificates/server.key" > "$out/identity.pem"
cp "$out/certificates/ca.pem" "$out/ca.pem"
cp "$out/certificates/made-at" "$out/made-at"
