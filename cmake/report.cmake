# SPDX-License-Identifier: Apache-2.0
#
# vectra_fail_with_lines(<text>): stops the configuration with the lines a tool printed, each
# indented so that CMake prints it as it is instead of re-wrapping it.
function(vectra_fail_with_lines text)
    string(STRIP "${text}" text)
    string(REPLACE "\n" "\n  " text "  ${text}")
    message(FATAL_ERROR "${text}\n")
endfunction()
