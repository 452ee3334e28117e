/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "AfterChecks.h"

namespace vectra::initd {

bool const stays_up_after_checks = true;

}
