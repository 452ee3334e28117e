#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh FOLDER — the font files image kit's manifest grants fontd as read-only MemCaps: the
# same DejaVu Sans and DejaVu Sans Bold image fonts copies (images/fonts/make-data.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../fonts/make-data.sh" "$@"
