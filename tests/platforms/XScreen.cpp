/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "XScreen.h"
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <cstring>
#include <vector>

namespace vectra::test {

namespace {

/* The screen's pixels in `area`, 0xRRGGBB each, row by row; empty when they cannot be read. */
std::vector<u32> read_screen(Display* display, Rectangle const& area)
{
    XImage* image = XGetImage(display, DefaultRootWindow(display), int(area.x), int(area.y), area.width, area.height,
        AllPlanes, ZPixmap);
    if (!image)
        return {};
    std::vector<u32> pixels;
    pixels.reserve(usize(area.width) * area.height);
    for (u32 y = 0; y < area.height; ++y) {
        for (u32 x = 0; x < area.width; ++x)
            pixels.push_back(u32(XGetPixel(image, int(x), int(y))) & 0xffffff);
    }
    XDestroyImage(image);
    return pixels;
}

std::string differs(std::vector<u32> const& shown, u8 const* framebuffer, u32 stride, Rectangle const& area)
{
    if (shown.size() != usize(area.width) * area.height)
        return "XGetImage failed";
    for (u32 y = 0; y < area.height; ++y) {
        for (u32 x = 0; x < area.width; ++x) {
            u32 expected;
            memcpy(&expected, framebuffer + usize(area.y + y) * stride + usize(area.x + x) * 4, 4);
            if (shown[usize(y) * area.width + x] != (expected & 0xffffff))
                return "the screen differs from the framebuffer at (" + std::to_string(area.x + x) + ", "
                    + std::to_string(area.y + y) + ")";
        }
    }
    return {};
}

}

std::string screen_differs(u8 const* framebuffer, u32 stride, Rectangle const& area)
{
    Display* display = XOpenDisplay(nullptr);
    if (!display)
        return "cannot open the X display to read the screen back";
    auto problem = differs(read_screen(display, area), framebuffer, stride, area);
    XCloseDisplay(display);
    return problem;
}

std::string cover_and_uncover(Rectangle const& area, u32 colour)
{
    Display* display = XOpenDisplay(nullptr);
    if (!display)
        return "cannot open the X display to cover the window";
    XSetWindowAttributes attributes {};
    attributes.override_redirect = True;
    attributes.background_pixel = colour;
    Window cover = XCreateWindow(display, DefaultRootWindow(display), int(area.x), int(area.y), area.width,
        area.height, 0, CopyFromParent, InputOutput, CopyFromParent, CWOverrideRedirect | CWBackPixel, &attributes);
    XMapRaised(display, cover);
    XSync(display, False);
    auto shown = read_screen(display, area);
    std::string problem;
    for (u32 pixel : shown) {
        if (pixel != colour) {
            problem = "the covering window did not show";
            break;
        }
    }
    if (shown.empty())
        problem = "XGetImage failed";
    XDestroyWindow(display, cover);
    XSync(display, False);
    XCloseDisplay(display);
    return problem;
}

}
