# SPDX-License-Identifier: Apache-2.0
# `./vectra fuzz` (tools/vectra/fuzz.py).
add_test(NAME tools.fuzz
    COMMAND /usr/bin/python3 -m unittest -v test_fuzz
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/tools)
