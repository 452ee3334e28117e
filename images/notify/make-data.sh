#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the font files image notify's manifest grants fontd as read-only MemCaps:
# DejaVuSansMono.ttf and DejaVuSans.ttf (notifyd's face), as image fonts copies its own
# (images/fonts/make-data.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../fonts/make-data.sh" "$1" DejaVuSansMono.ttf DejaVuSans.ttf
