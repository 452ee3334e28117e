#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the font files image desktop's manifest grants fontd as read-only MemCaps:
# DejaVuSansMono.ttf (vterm's cells) and DejaVuSans.ttf (fontd's second face), as image terminal
# copies them (images/fonts/make-data.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../fonts/make-data.sh" "$1" DejaVuSansMono.ttf DejaVuSans.ttf
