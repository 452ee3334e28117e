# SPDX-License-Identifier: Apache-2.0
# The terminal model (frameworks/terminal) over the real libvterm port: escape sequences, colours,
# wrap, scroll, the scrollback's bound, selection across lines and wide characters, resize, keys
# into xterm bytes, the pending-input bound, the clipboard between two terminals, its memory bound.
if(TARGET vectra_terminal)
    vectra_host_test(frameworks.terminal SOURCES frameworks/TestTerminal.cpp frameworks/TestTerminalInput.cpp frameworks/TestTerminalUtf8Filter.cpp
        COMPONENTS ${kernel_components} text time libc input encoding concurrent tty libvterm_port terminal)
    # Any bytes as a program's output (libvterm's parser, the screen, scrollback, resizes between
    # pieces): the model must survive anything and keep its invariants.
    vectra_fuzz_target(terminal_output SOURCES fuzz/FuzzTerminalOutput.cpp
        COMPONENTS ${kernel_components} text time libc input encoding concurrent tty libvterm_port terminal)
endif()
