#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — net-client's files (images/net-client/make-data.sh): tlsd's trust (Debian's
# ca-certificates and the build's test CA), identity and clock, and the host servers' certificates.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../net-client/make-data.sh" "$1"
