#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the font files image terminal's manifest grants fontd as read-only MemCaps:
# DejaVuSansMono.ttf (vterm's cells; DejaVuSans.ttf as fontd's second face) from Debian's fonts-dejavu-core, pinned in
# components/ports/fonts-dejavu/port.json (tools/ports/fetch.py fills the port cache first and
# verifies every file's sha256).
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
port="$here/../../components/ports/fonts-dejavu/port.json"
/usr/bin/python3 "$here/../../tools/ports/fetch.py" "$port" >&2
mkdir -p "$out"
for file in $(/usr/bin/python3 "$here/../../tools/ports/fetch.py" --list "$port"); do
    case "$file" in
        */DejaVuSansMono.ttf|*/DejaVuSans.ttf) cp "$file" "$out/" ;;
    esac
done
test -s "$out/DejaVuSansMono.ttf" && test -s "$out/DejaVuSans.ttf"
