#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the font files image shaping's manifest grants fontd as read-only MemCaps
# (ADR 0043 §2, ADR 0049): NotoSansArabic-Regular.ttf and NotoSansDevanagari-Regular.ttf from
# Debian's fonts-noto-core, pinned in components/ports/fonts-noto/port.json. tools/ports/fetch.py
# fills the port cache first (network only when it is incomplete) and verifies every file's sha256.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
port="$here/../../components/ports/fonts-noto/port.json"
/usr/bin/python3 "$here/../../tools/ports/fetch.py" "$port" >&2
mkdir -p "$out"
for file in $(/usr/bin/python3 "$here/../../tools/ports/fetch.py" --list "$port"); do
    case "$file" in
        */NotoSansArabic-Regular.ttf|*/NotoSansDevanagari-Regular.ttf) cp "$file" "$out/" ;;
    esac
done
test -s "$out/NotoSansArabic-Regular.ttf" && test -s "$out/NotoSansDevanagari-Regular.ttf"
