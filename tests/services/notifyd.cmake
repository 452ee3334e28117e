# SPDX-License-Identifier: Apache-2.0
# notifyd's state (ADR 0048): stacking, expiry, bounds, and attacks (bad text, floods, foreign and stale ids).
vectra_host_test(services.notifyd SOURCES services/TestNotifydBoard.cpp
    COMPONENTS ${kernel_components} text encoding time concurrent notify notifyd_service)
