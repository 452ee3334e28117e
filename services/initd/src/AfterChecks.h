/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

namespace vectra::initd {

/*
 * What initd does once the checks have finished: end with their verdict, so the image powers
 * off (src/EndAfterChecks.cpp), or say so and keep supervising the services until the machine
 * is stopped (CONFIG_INITD_STAY_UP, src/StayUp.cpp), for `./vectra run` and `./vectra top`.
 */
extern bool const stays_up_after_checks;

}
