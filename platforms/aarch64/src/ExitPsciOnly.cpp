/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * No semihosting (CONFIG_AARCH64_SEMIHOSTING_EXIT=n): the status cannot leave the machine;
 * power_off() goes straight to PSCI SYSTEM_OFF.
 */

#include "Power.h"

namespace vectra::platform::aarch64 {

void try_exit_with_status(ExitStatus) { }

}
