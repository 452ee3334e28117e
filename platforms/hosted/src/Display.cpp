/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The boot display on hosted (CONFIG_DISPLAY): an SDL2 window (Debian's libsdl2-dev) whose
 * texture's source is the framebuffer. One thread of its own does every SDL call — creates the
 * window, pumps its events every 16 ms so it stays responsive (redrawing on expose), and carries
 * out presents — so the kernel's thread never blocks on the window system except while its own
 * present is done. All signals are blocked in that thread: the platform's signals (faults, the
 * software line) keep going to the kernel's thread. The same pump reads the window's keyboard
 * and mouse (ADR 0040 §6): each key, motion and button event becomes an evdev group
 * (WindowEvents.cpp) queued for the kernel's `input` DeviceCap (HostInput.cpp), which raises
 * the input line; the window system's own key repeats are not forwarded.
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

void show(SDL_Renderer* renderer, SDL_Texture* texture, Rectangle const& damage)
{
    SDL_Rect area { int(damage.x), int(damage.y), int(damage.width), int(damage.height) };
    u8 const* first = s_window.framebuffer + usize(damage.y) * s_window.mode.stride + usize(damage.x) * 4;
    SDL_UpdateTexture(texture, &area, first, int(s_window.mode.stride));
    SDL_RenderCopy(renderer, texture, nullptr, nullptr);
    SDL_RenderPresent(renderer);
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
    DisplayMode mode = s_window.mode;
    SDL_Window* window = SDL_CreateWindow("Vectra", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, int(mode.width),
        int(mode.height), SDL_WINDOW_SHOWN);
    if (!window)
        return fail("SDL_CreateWindow");
    SDL_Renderer* renderer = SDL_CreateRenderer(window, -1, 0);
    if (!renderer)
        return fail("SDL_CreateRenderer");
    SDL_Texture* texture = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_XRGB8888, SDL_TEXTUREACCESS_STREAMING,
        int(mode.width), int(mode.height));
    if (!texture)
        return fail("SDL_CreateTexture");
    Rectangle whole { 0, 0, mode.width, mode.height };
    show(renderer, texture, whole);
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
        bool exposed = false;
        SDL_Event event;
        while (SDL_PollEvent(&event)) {
            if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_EXPOSED)
                exposed = true;
            forward_input(event);
        }
        if (serving != 0 || exposed)
            show(renderer, texture, serving != 0 ? damage : whole);
        if (serving != 0) {
            std::lock_guard guard(s_window.lock);
            s_window.completed = serving;
            s_window.changed.notify_all();
        }
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
