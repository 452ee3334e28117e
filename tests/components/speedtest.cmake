# SPDX-License-Identifier: Apache-2.0
# bench_sqlite's reader of SQLite speedtest1's report (tests/bench/SpeedtestReport.h).
vectra_host_test(components.speedtest_report SOURCES components/TestSpeedtestReport.cpp COMPONENTS base)
# The program runner speedtest1 runs under (components/speedtest/src/Program.cpp), compiled into
# the test: the component itself is built for images only (it compiles speedtest1.c).
vectra_host_test(components.speedtest_program
    SOURCES components/TestSpeedtestProgram.cpp ${CMAKE_SOURCE_DIR}/components/speedtest/src/Program.cpp
    COMPONENTS ${kernel_components} path encoding time random concurrent fs sqlite sqlite_port boost_context)
