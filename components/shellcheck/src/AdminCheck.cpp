/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * admin-check (image admin): the terminal vctl speaks to (vctl is vsh with the administrator's
 * commands), with a person typing a script (ScriptedPerson.h): the Tasks and services, a restart
 * of vfsd (the shell's own vfsd session ends, the next one reaches the new instance, whose RAM
 * tree is new), a stop and a start, refusals, and the capability graph with edges the image's
 * manifest declares. Before serving, it tries to reach initd's control end itself — it holds no
 * control connection — with every Ring handle it can make up, and says how many bound (none may).
 */

#include <shellcheck/ScriptedPerson.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/control/Protocol.h>
#include <vectra/footprints/admin_check.h>

VECTRA_TASK_ENTRY(admin_check);

namespace vectra::task_entries {

namespace {

using shellcheck::Step;

constexpr Step script[] = {
    { "vctl tasks", "vctl tasks\r", { " initd ", " vfsd ", " vctl ", " admin-check " }, "vctl: tasks:", true },
    { "vctl services", "vctl services\r", { "vfsd             ready", "storaged         ready", "admin-check      ready" }, "vctl: services:", true },
    { "mkdir /before", "mkdir /before\r", {}, "mkdir:" },
    { "vctl restart vfsd", "vctl restart vfsd\r", { "vctl: restart vfsd: done\r\n" }, {} },
    { "ls / (the old session ended)", "ls /\r", { "ls: /: " }, {}, true },
    { "ls / (the new vfsd)", "ls /\r", { "boot/\r\n" }, "before" },
    { "vctl stop vfsd", "vctl stop vfsd\r", { "vctl: stop vfsd: done\r\n" }, {} },
    { "vctl stop vfsd again", "vctl stop vfsd\r", { "vctl: stop vfsd: not-running\r\n" }, {} },
    { "vctl services (stopped)", "vctl services\r", { "vfsd             stopped" }, {}, true },
    { "vctl start vfsd", "vctl start vfsd\r", { "vctl: start vfsd: done\r\n" }, {} },
    { "vctl start vfsd again", "vctl start vfsd\r", { "vctl: start vfsd: running\r\n" }, {} },
    { "ls / (after start)", "ls /\r", { "ls: /: " }, {}, true },
    { "ls / (started vfsd)", "ls /\r", { "boot/\r\n" }, "ls:" },
    { "unknown service", "vctl restart nope\r", { "vctl: restart nope: unknown-service\r\n" }, {} },
    { "a check", "vctl restart vctl\r", { "vctl: restart vctl: not-a-service\r\n" }, {} },
    { "vctl graph vctl", "vctl graph vctl\r", { "vctl             control_requests requests     send             control\r\n",
        "vctl             requests         requests     send,move        vfs\r\n", "vctl             snapshot         snapshot     read             -\r\n" }, {}, true },
    { "vctl graph vfsd", "vctl graph vfsd\r", { "vfsd             requests         requests     receive,move     vfs\r\n" }, "control" },
};

constexpr std::string_view greeting[] = { "vsh: a small shell on vfsd", "vsh:/$ " };

/* Every Ring handle this Task can make up, bound as either end of vectra.control: how many bound. */
u32 forged_control_ends(u32& tries)
{
    u32 bound = 0;
    for (u32 space = 1; space <= 64; ++space) {
        for (u16 slot = 0; slot < 64; ++slot) {
            for (u32 generation = 0; generation < 3; ++generation) {
                tries += 2;
                bound += RingSender::bind(RingCap(space, slot, generation), control::schema_id, SignalBit(40)).is_error() ? 0 : 1;
                bound += RingReceiver::bind(RingCap(space, slot, generation), control::schema_id, SignalBit(41)).is_error() ? 0 : 1;
            }
        }
    }
    return bound;
}

}

ErrorOr<i32> admin_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::admin_check)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    u32 tries = 0;
    u32 bound = forged_control_ends(tries);
    TRY(print_line(console, "admin-check: {} of {} forged control ends bound", bound, tries));
    TRY(shellcheck::serve_script(bundle, console, "admin-check", script, greeting));
    return bound == 0 ? 0 : 1;
}

}
