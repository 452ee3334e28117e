/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CONFIG_DISPLAY=n: no boot display; initd's Bundle has no "display" slot. A DisplayDevice made
 * by a host test presents to nothing (it still counts presents).
 */

#include <vectra/kernel/Display.h>

namespace vectra::kernel {

ErrorOr<DisplayDevice*> create_boot_display(Reticle&)
{
    return static_cast<DisplayDevice*>(nullptr);
}

void present_boot_display(Rectangle const&) { }

}
