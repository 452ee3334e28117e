/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vctl's commands (Commands.h).
 */

#include <vctl/Commands.h>

namespace vectra::vctl {

namespace {

constexpr char const* usage = "vctl: usage: vctl tasks | services | restart NAME | stop NAME | start NAME | graph [TASK]\r\n";

void failed(vsh::Sink& sink, std::string_view command, Error const& error)
{
    sink.format("vctl: {}: {}\r\n", command, error.name());
}

}

char const* state_name(u8 state)
{
    switch (static_cast<control::ServiceState>(state)) {
    case control::ServiceState::NotStarted:
        return "not-started";
    case control::ServiceState::Starting:
        return "starting";
    case control::ServiceState::Ready:
        return "ready";
    case control::ServiceState::BackingOff:
        return "backing-off";
    case control::ServiceState::GivenUp:
        return "given-up";
    case control::ServiceState::Stopped:
        return "stopped";
    }
    return "?";
}

FixedString<64> rights_text(u32 rights)
{
    constexpr char const* names[] = { "read", "write", "send", "receive", "grant", "spawn", "raise", "retype", "revoke", "move" };
    FixedString<64> text;
    for (usize bit = 0; bit < sizeof(names) / sizeof(names[0]); ++bit) {
        if (!(rights & (1u << bit)))
            continue;
        if (text.length() != 0)
            (void)text.append(",");
        (void)text.append(names[bit]);
    }
    if (text.length() == 0)
        (void)text.append("-");
    return text;
}

bool Commands::run(vsh::Words const& words, vsh::Sink& sink)
{
    if (words.count() == 0 || words[0] != "vctl")
        return false;
    std::string_view verb = words.count() > 1 ? words[1] : std::string_view();
    if (verb == "tasks" && words.count() == 2)
        list_tasks(sink);
    else if (verb == "services" && words.count() == 2)
        list_services(sink);
    else if ((verb == "restart" || verb == "stop" || verb == "start") && words.count() == 3)
        act(verb, words[2], sink);
    else if (verb == "graph" && (words.count() == 2 || words.count() == 3))
        graph(words.count() == 3 ? words[2] : std::string_view(), sink);
    else
        sink.text(usage);
    return true;
}

void Commands::help(vsh::Sink& sink)
{
    sink.text("  vctl tasks         every Task (the kernel's snapshot)\r\n");
    sink.text("  vctl services      initd's services: state, restarts, last exit\r\n");
    sink.text("  vctl restart NAME  restart a service (stop NAME, start NAME)\r\n");
    sink.text("  vctl graph [TASK]  the image's capability graph (TASK's grants)\r\n");
}

void Commands::list_tasks(vsh::Sink& sink)
{
    if (!m_tasks)
        return sink.text("vctl: tasks: this Task was granted no snapshot capability\r\n");
    auto table = m_tasks->read(m_rows);
    if (table.is_error())
        return failed(sink, "tasks", table.error());
    sink.text("   ID NAME             STATE    CAPS\r\n");
    for (usize index = 0; index < table.value().count; ++index) {
        auto const& row = m_rows[index];
        sink.format("{:>5} {:<16} {:<8} {:>4}\r\n", row.id, row.name.view(), tasks::state_name(row.state), row.capabilities);
    }
    sink.format("vctl: {} Tasks\r\n", table.value().listed);
}

void Commands::list_services(vsh::Sink& sink)
{
    sink.text("NAME             STATE       RESTARTS LAST-EXIT\r\n");
    u16 total = 0;
    for (u16 first = 0; first == 0 || first < total; first = u16(first + control::services_per_page)) {
        auto page = m_control.call(control::ListServices { first });
        if (page.is_error())
            return failed(sink, "services", page.error());
        total = page.value().total;
        for (usize index = 0; index < page.value().services.size(); ++index) {
            auto const& service = page.value().services[index];
            FixedString<16> last;
            if (service.last_exit_status)
                format_into(last, "{}", *service.last_exit_status);
            else
                (void)last.append("-");
            sink.format("{:<16} {:<11} {:>4}/{:<3} {}\r\n", service.name.view(), state_name(service.state), service.restarts,
                service.maximum_restarts, last.view());
        }
        if (total == 0)
            break;
    }
    sink.format("vctl: {} services\r\n", total);
}

void Commands::act(std::string_view verb, std::string_view name, vsh::Sink& sink)
{
    FixedString<80> command;
    format_into(command, "{} {}", verb, name);
    auto typed = control::Name::try_from(name);
    if (typed.is_error())
        return sink.format("vctl: {}: the name is longer than {} bytes\r\n", verb, control::maximum_name);
    ErrorOr<protocol::Done> done = verb == "restart" ? m_control.call(control::Restart { typed.value() })
        : verb == "stop"                            ? m_control.call(control::Stop { typed.value() })
                                                    : m_control.call(control::Start { typed.value() });
    if (done.is_error())
        return failed(sink, command.view(), done.error());
    sink.format("vctl: {}: done\r\n", command.view());
}

void Commands::graph(std::string_view holder, vsh::Sink& sink)
{
    sink.text("HOLDER           SLOT             KIND         RIGHTS           CONNECTION\r\n");
    u16 total = 0;
    usize shown = 0;
    for (u16 first = 0; first == 0 || first < total; first = u16(first + control::edges_per_page)) {
        auto page = m_control.call(control::CapabilityGraph { first });
        if (page.is_error())
            return failed(sink, "graph", page.error());
        total = page.value().total;
        for (usize index = 0; index < page.value().edges.size(); ++index) {
            auto const& edge = page.value().edges[index];
            if (!holder.empty() && edge.holder.view() != holder)
                continue;
            ++shown;
            sink.format("{:<16} {:<16} {:<12} {:<16} {}\r\n", edge.holder.view(), edge.slot.view(), edge.kind.view(),
                rights_text(edge.rights).view(), edge.connection.length() == 0 ? std::string_view("-") : edge.connection.view());
        }
        if (total == 0)
            break;
    }
    sink.format("vctl: {} of {} edges\r\n", shown, total);
}

}
