/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "ScreenReadback.h"
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <cstring>

namespace vectra::bench {

std::string screen_differs(u8 const* framebuffer, u32 stride, Rectangle const& area)
{
    Display* display = XOpenDisplay(nullptr);
    if (!display)
        return "cannot open the X display to read the window back";
    XImage* image = XGetImage(display, DefaultRootWindow(display), int(area.x), int(area.y), area.width, area.height,
        AllPlanes, ZPixmap);
    std::string problem;
    if (!image) {
        problem = "XGetImage failed";
    } else {
        for (u32 y = 0; y < area.height && problem.empty(); ++y) {
            for (u32 x = 0; x < area.width; ++x) {
                u32 expected;
                memcpy(&expected, framebuffer + usize(area.y + y) * stride + usize(area.x + x) * 4, 4);
                u32 shown = u32(XGetPixel(image, int(x), int(y)));
                if ((shown & 0xffffff) != (expected & 0xffffff)) {
                    problem = "the screen differs from the framebuffer at (" + std::to_string(area.x + x) + ", "
                        + std::to_string(area.y + y) + ")";
                    break;
                }
            }
        }
        XDestroyImage(image);
    }
    XCloseDisplay(display);
    return problem;
}

}
