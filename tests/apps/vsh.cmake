# SPDX-License-Identifier: Apache-2.0
# vsh (apps/vsh) as a Task against vfsd's real loop and a terminal Task serving vectra.tty whose
# person types keys and reads the answers: editing, history, quoting, every command and error.
vectra_host_test(apps.vsh SOURCES apps/TestVsh.cpp
    COMPONENTS ${kernel_components} path encoding time concurrent fs process vfsd_protocol tty snapshot notify notifyd_service vsh_shell shellcheck_typist)
# Any bytes as typed keys: the editor and the word parser survive and their bounds hold.
vectra_fuzz_target(vsh_line SOURCES fuzz/FuzzVshLine.cpp
    COMPONENTS ${kernel_components} path encoding time concurrent fs process tty snapshot notify vsh_shell)
