# SPDX-License-Identifier: Apache-2.0
# ErrorOr<T, E> with detailed error types (core/base/include/vectra/Error.h).
vectra_host_test(core.error_detail SOURCES core/TestErrorDetail.cpp COMPONENTS ${kernel_components})
