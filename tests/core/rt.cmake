# SPDX-License-Identifier: Apache-2.0
# core/rt's mem* functions (the bare-metal images' memcpy): compiled into the test under other names,
# every length and alignment against a reference, AddressSanitizer watching every load and store.
vectra_host_test(core.rt SOURCES core/TestRtMemory.cpp COMPONENTS base)
# As core/rt builds them: the compiler must not turn the loops back into calls (here: to glibc's).
set_property(SOURCE core/TestRtMemory.cpp APPEND PROPERTY COMPILE_OPTIONS -fno-builtin)
