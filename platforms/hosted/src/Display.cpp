/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The boot display on hosted (CONFIG_DISPLAY): an SDL2 window (Debian's libsdl2-dev) showing the
 * framebuffer through the window's own surface. One thread of its own does every SDL call —
 * creates the window, pumps its events every 16 ms so it stays responsive (redrawing the whole
 * frame on expose and on a size change), and carries out presents — so the kernel's thread never
 * blocks on the window system except while its own present is done. All signals are blocked in
 * that thread: the platform's signals (faults, the software line) keep going to the kernel's
 * thread. The same pump reads the window's keyboard and mouse (ADR 0040 §6): each key, motion
 * and button event becomes an evdev group (WindowEvents.cpp) queued for the kernel's `input`
 * DeviceCap (HostInput.cpp), which raises the input line; the window system's own key repeats are
 * not forwarded.
 *
 * A present costs its damage, not the window (ADR 0014's amendment "the window's present"): the
 * damaged rectangle is copied from the framebuffer into the window surface
 * (SDL_GetWindowSurface, SDL's own framebuffer: on X11 a MIT-SHM image) and only that rectangle
 * is sent (SDL_UpdateWindowSurfaceRects: XShmPutImage of it, then XSync, so the X server holds the
 * pixels before present returns). SDL's renderer is not used: under Xvfb it is OpenGL on
 * llvmpipe, and every present drew and swapped the whole window (3.8–8.9 ms for a 16 x 16
 * damage); on X11 SDL_HINT_FRAMEBUFFER_ACCELERATION 0 keeps SDL from backing the window surface
 * with that same renderer (Wayland has no framebuffer of SDL's own and keeps it). Nothing waits
 * for vsync: compositord's frame interval paces frames.
 *
 * With no window system (no DISPLAY, or an X server that refuses) display_start() fails with one
 * line naming SDL's reason, and the boot stops with it.
 */

#include <SDL2/SDL.h>
#include <condition_variable>
#include <mutex>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <thread>
#include <vectra/platform/Display.h>
#include <vectra/platform/hosted/HostInput.h>

namespace vectra::platform {

namespace {

constexpr u32 pump_milliseconds = 16;

struct Window {
    std::mutex lock;
    std::condition_variable changed;
    bool started { false };
    bool failed { false };
    char message[256] {};
    /* Damage not yet shown (the union of every present since the last update). */
    bool has_damage { false };
    Rectangle damage {};
    u64 requested { 0 };
    u64 completed { 0 };
    u8* framebuffer { nullptr };
    DisplayMode mode {};
};

Window s_window;

Rectangle united(Rectangle const& a, Rectangle const& b)
{
    u32 left = a.x < b.x ? a.x : b.x;
    u32 top = a.y < b.y ? a.y : b.y;
    u32 right = a.x + a.width > b.x + b.width ? a.x + a.width : b.x + b.width;
    u32 bottom = a.y + a.height > b.y + b.height ? a.y + a.height : b.y + b.height;
    return { left, top, right - left, bottom - top };
}

void fail(char const* what)
{
    std::lock_guard guard(s_window.lock);
    snprintf(s_window.message, sizeof(s_window.message), "hosted: no SDL2 window: %s: %s (run under xvfb-run, "
        "or with DISPLAY set)", what, SDL_GetError());
    s_window.failed = true;
    s_window.changed.notify_all();
}

/*
 * Copies `area` of the framebuffer into the window surface and sends that rectangle to the window
 * system. The surface is asked for on every present: SDL makes it again after a size change.
 */
void show(SDL_Window* window, SDL_Surface* framebuffer, Rectangle const& area)
{
    SDL_Surface* surface = SDL_GetWindowSurface(window);
    if (!surface)
        return;
    SDL_Rect source { int(area.x), int(area.y), int(area.width), int(area.height) };
    SDL_Rect destination = source;
    SDL_BlitSurface(framebuffer, &source, surface, &destination);
    SDL_UpdateWindowSurfaceRects(window, &source, 1);
}

/* A key, motion or button event of the window as the platform's WindowEvent; false for any other event. */
bool window_event_of(SDL_Event const& event, hosted::WindowEvent& into)
{
    using Kind = hosted::WindowEvent::Kind;
    switch (event.type) {
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        into = { Kind::Key, u32(event.key.keysym.scancode), 0, event.type == SDL_KEYDOWN, event.key.repeat != 0, 0, 0 };
        return true;
    case SDL_MOUSEMOTION:
        into = { Kind::Motion, 0, 0, false, false, event.motion.x, event.motion.y };
        return true;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        into = { Kind::Button, 0, event.button.button, event.type == SDL_MOUSEBUTTONDOWN, false, 0, 0 };
        return true;
    default:
        return false;
    }
}

void forward_input(SDL_Event const& event)
{
    hosted::WindowEvent window_event;
    if (!window_event_of(event, window_event))
        return;
    HostInputEvent group[hosted::maximum_group];
    usize count = hosted::translate(window_event, s_window.mode.width, s_window.mode.height, group);
    if (count != 0)
        (void)hosted::host_input_push({ group, count });
}

void run_window()
{
    /*
     * The display is a window: X11 or Wayland, nothing else SDL might fall back to (a console's
     * KMS/DRM) unless SDL_VIDEODRIVER asks for it by name.
     */
    if (!getenv("SDL_VIDEODRIVER"))
        SDL_SetHint(SDL_HINT_VIDEODRIVER, getenv("DISPLAY") ? "x11" : "wayland");
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !getenv("SDL_VIDEODRIVER")) {
        std::lock_guard guard(s_window.lock);
        snprintf(s_window.message, sizeof(s_window.message), "hosted: no window system for the display: DISPLAY "
            "and WAYLAND_DISPLAY are unset (run under xvfb-run, or set SDL_VIDEODRIVER)");
        s_window.failed = true;
        s_window.changed.notify_all();
        return;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return fail("SDL_Init");
    /*
     * On X11 the window surface is SDL's own framebuffer (a MIT-SHM image), not a texture of its
     * renderer; a driver without a framebuffer of its own (Wayland) keeps SDL's texture.
     */
    if (SDL_strcmp(SDL_GetCurrentVideoDriver(), "x11") == 0)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    DisplayMode mode = s_window.mode;
    SDL_Window* window = SDL_CreateWindow("Vectra", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, int(mode.width),
        int(mode.height), SDL_WINDOW_SHOWN);
    if (!window)
        return fail("SDL_CreateWindow");
    /* The framebuffer as a surface SDL can copy from: XRGB8888 has no alpha, so a copy is a copy. */
    SDL_Surface* framebuffer = SDL_CreateRGBSurfaceWithFormatFrom(s_window.framebuffer, int(mode.width),
        int(mode.height), 32, int(mode.stride), SDL_PIXELFORMAT_XRGB8888);
    if (!framebuffer)
        return fail("SDL_CreateRGBSurfaceWithFormatFrom");
    SDL_SetSurfaceBlendMode(framebuffer, SDL_BLENDMODE_NONE);
    if (!SDL_GetWindowSurface(window))
        return fail("SDL_GetWindowSurface");
    Rectangle whole { 0, 0, mode.width, mode.height };
    show(window, framebuffer, whole);
    hosted::host_input_open(mode.width, mode.height);
    {
        std::lock_guard guard(s_window.lock);
        s_window.started = true;
        s_window.changed.notify_all();
    }
    for (;;) {
        Rectangle damage;
        u64 serving = 0;
        {
            std::unique_lock guard(s_window.lock);
            s_window.changed.wait_for(guard, std::chrono::milliseconds(pump_milliseconds),
                [] { return s_window.has_damage; });
            if (s_window.has_damage) {
                damage = s_window.damage;
                serving = s_window.requested;
                s_window.has_damage = false;
            }
        }
        /* The present first, so the kernel thread waits for its rectangle alone, then the events. */
        if (serving != 0) {
            show(window, framebuffer, damage);
            std::lock_guard guard(s_window.lock);
            s_window.completed = serving;
            s_window.changed.notify_all();
        }
        bool redraw = false;
        SDL_Event event;
        while (SDL_PollEvent(&event)) {
            if (event.type == SDL_WINDOWEVENT && (event.window.event == SDL_WINDOWEVENT_EXPOSED
                    || event.window.event == SDL_WINDOWEVENT_SIZE_CHANGED))
                redraw = true;
            forward_input(event);
        }
        if (redraw)
            show(window, framebuffer, whole);
    }
}

}

/* The window is opened by display_start, which says why when it cannot be. */
ErrorOr<void> display_probe()
{
    return {};
}

ErrorOr<void> display_start(u8* framebuffer, DisplayMode const& mode)
{
    s_window.framebuffer = framebuffer;
    s_window.mode = mode;
    /* The window's thread takes no signals: they stay the kernel thread's. */
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    std::thread(run_window).detach();
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    std::unique_lock guard(s_window.lock);
    s_window.changed.wait(guard, [] { return s_window.started || s_window.failed; });
    if (s_window.failed)
        return Error(ErrorCode::Unsupported, s_window.message);
    return {};
}

void display_present(Rectangle const& damage)
{
    std::unique_lock guard(s_window.lock);
    s_window.damage = s_window.has_damage ? united(s_window.damage, damage) : damage;
    s_window.has_damage = true;
    u64 request = ++s_window.requested;
    s_window.changed.notify_all();
    s_window.changed.wait(guard, [request] { return s_window.completed >= request; });
}

}
