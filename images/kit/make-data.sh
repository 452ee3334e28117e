#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the font files image kit's manifest grants fontd as read-only MemCaps
# (ADR 0043 §2, ADR 0038's amendment): DejaVuSans.ttf and DejaVuSans-Bold.ttf from Debian's
# fonts-dejavu-core, pinned in components/ports/fonts-dejavu/port.json. tools/ports/fetch.py fills
# the port cache first (network only when it is incomplete) and verifies every file's sha256.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
port="$here/../../components/ports/fonts-dejavu/port.json"
/usr/bin/python3 "$here/../../tools/ports/fetch.py" "$port" >&2
mkdir -p "$out"
for file in $(/usr/bin/python3 "$here/../../tools/ports/fetch.py" --list "$port"); do
    case "$file" in
        */DejaVuSans.ttf|*/DejaVuSans-Bold.ttf) cp "$file" "$out/" ;;
    esac
done
test -s "$out/DejaVuSans.ttf" && test -s "$out/DejaVuSans-Bold.ttf"
