# SPDX-License-Identifier: Apache-2.0
vectra_host_test(core.concurrent SOURCES core/TestService.cpp COMPONENTS ${kernel_components} concurrent)
vectra_host_test(core.channel SOURCES core/TestChannel.cpp COMPONENTS ${kernel_components} concurrent)
vectra_host_test(core.local_executor SOURCES core/TestLocalExecutor.cpp COMPONENTS ${kernel_components} concurrent)
