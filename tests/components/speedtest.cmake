# SPDX-License-Identifier: Apache-2.0
# bench_sqlite's reader of SQLite speedtest1's report (tests/bench/SpeedtestReport.h).
vectra_host_test(components.speedtest_report SOURCES components/TestSpeedtestReport.cpp COMPONENTS base)
