/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's CPU-fault reporting, public so that host tests can install it in a
 * child process and watch a fault become a report.
 */

#pragma once

namespace vectra::platform::hosted {

/*
 * Installs handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP on an alternate signal
 * stack; each fault becomes a FaultReport handed to kernel::cpu_fault(). The handlers may be
 * left for good (the kernel switches to another context): signals stay deliverable and the
 * alternate stack is reused from its top by the next fault. A fault while the alternate stack
 * is in use (a fault inside cpu_fault) is printed here and ends the process with status 3.
 */
void install_fault_handlers();

}
