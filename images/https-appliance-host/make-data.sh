#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the files image https-appliance-host's manifest grants tlsd as read-only MemCaps
# (ADR 0038 §3), made in the build folder, never committed: the same as tls-loopback's —
# identity.pem (the certificate for tls.vectra.test, the name the oracle's HTTPS client asks for,
# then its key), ca.pem (the CA tlsd trusts, and the one the oracle verifies the appliance
# against), made-at (the time tlsd checks certificates at).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../tls-loopback/make-data.sh" "$1"
