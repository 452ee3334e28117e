#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER [FILE...] — the font files image fonts' manifest grants fontd as read-only
# MemCaps (ADR 0043 §2, ADR 0038's amendment): by default DejaVuSans.ttf and DejaVuSans-Bold.ttf
# (other images name theirs) from Debian's fonts-dejavu-core, pinned in
# components/ports/fonts-dejavu/port.json. tools/ports/fetch.py fills the port cache first
# (network only when it is incomplete) and verifies every file's sha256.
set -eu
out=$1
shift
[ $# -gt 0 ] || set -- DejaVuSans.ttf DejaVuSans-Bold.ttf
here=$(cd "$(dirname "$0")" && pwd)
port="$here/../../components/ports/fonts-dejavu/port.json"
/usr/bin/python3 "$here/../../tools/ports/fetch.py" "$port" >&2
mkdir -p "$out"
files=$(/usr/bin/python3 "$here/../../tools/ports/fetch.py" --list "$port")
for name in "$@"; do
    for file in $files; do
        case "$file" in
            */"$name") cp "$file" "$out/" ;;
        esac
    done
    test -s "$out/$name"
done
