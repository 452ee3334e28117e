# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.io SOURCES core/TestIo.cpp COMPONENTS ${kernel_components} io)
