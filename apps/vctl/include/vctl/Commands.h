/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vctl, the administrator's commands, as a set vsh runs (vsh::Extension; ADR 0045 §6 and its
 * amendment): `vctl tasks` (every Task from the kernel's debug snapshot), `vctl services` (initd's
 * services over vectra.control), `vctl restart|stop|start NAME`, `vctl graph [TASK]` (the boot
 * table's grants, every page, or only TASK's). Each answer is lines on the shell's window; each
 * refusal one line naming the command, the service and initd's error (`vctl: restart echo: busy`).
 */

#pragma once

#include <vectra/Connection.h>
#include <vectra/control/Protocol.h>
#include <vectra/snapshot/TaskList.h>
#include <vsh/Extension.h>

namespace vectra::vctl {

class Commands final : public vsh::Extension {
public:
    /* `tasks` may be null: the Task was granted no snapshot, and `vctl tasks` says so. */
    Commands(Client<control::Protocol>& control, tasks::TaskList* tasks)
        : m_control(control)
        , m_tasks(tasks)
    {
    }

    [[nodiscard]] bool run(vsh::Words const&, vsh::Sink&) override;
    void help(vsh::Sink&) override;

private:
    void list_tasks(vsh::Sink&);
    void list_services(vsh::Sink&);
    void act(std::string_view verb, std::string_view name, vsh::Sink&);
    void graph(std::string_view holder, vsh::Sink&);

    Client<control::Protocol>& m_control;
    tasks::TaskList* m_tasks;
    tasks::TaskRow m_rows[64];
};

/* A service state's name (control::ServiceState), "?" for another number. */
[[nodiscard]] char const* state_name(u8);

/* Rights as their names joined by ',' ("send", "read,grant"); "-" for none. */
[[nodiscard]] FixedString<64> rights_text(u32 rights);

}
