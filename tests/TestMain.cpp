/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host test runner. Host tests link the real kernel and the hosted platform; the kernel's
 * first Task is the image's initd, which a unit-test binary does not have, so the runner
 * supplies one that says so if anything ever boots it.
 */

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <vectra/kernel/Kernel.h>

namespace vectra::kernel {

ErrorOr<i32> initial_task_entry(Bundle&)
{
    return Error(ErrorCode::Unsupported, "host unit tests have no initd");
}

}
