/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The many-tasks image's Tasks: an echo service that serves vectra.test.echo over sessions
 * (each client donates its session's memory, as vfsd's clients do), and the client the image
 * runs 256 copies of. Each copy opens a session with the echo service and checks the echo of its
 * own name, closes it, then opens a session with vfsd, writes a file named after itself, reads
 * it back, checks the bytes, removes it and closes (vectra.vfs through Client<vfs::Protocol>). The services' session tables are smaller than
 * 256, so clients take turns: an open refused (another opener holds the listener, no session
 * left) is tried again after a short sleep, until a deadline.
 */

#include <crashtest/Echo.h>
#include <vectra/Bytes.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/Connection.h>
#include <vectra/fs/Protocol.h>

VECTRA_TASK_ENTRY(session_echo);
VECTRA_TASK_ENTRY(many_tasks_client);

namespace vectra::task_entries {

namespace {

using crashtest::EchoProtocol;

/* Sessions the echo service serves at once; more clients take turns. */
constexpr session::Limits echo_limits { 16, 1 };

/* One session's handler: the reply is the request. */
struct SessionEchoHandler {
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request)
    {
        if (request.text.view().empty())
            return Error(crashtest::EchoError::Empty, "there is no text to echo");
        return crashtest::Echoed { request.text };
    }
    void opened() { }
    void closed() { }
};

/* How long a client keeps trying to open a session before it gives up and fails. */
constexpr Duration open_patience = Duration::from_seconds(100);
constexpr SignalBit pause_bit { 20 };

void pause_briefly()
{
    u64 deadline = deadline_after(Duration::from_milliseconds(2));
    (void)system::wait_until(pause_bit.mask(), deadline, pause_bit);
}

/* A pool per session (session::pool_size). */
constexpr usize client_pool_bytes = session::pool_size<EchoProtocol>() + session::pool_size<vfs::Protocol>();
/* many_tasks_client.footprint.json's fixed_kib: both pools and the Task's own block. */
static_assert(client_pool_bytes + 16 * KiB <= 120 * KiB, "raise fixed_kib in many_tasks_client.footprint.json");

/*
 * One service's listener, and a memory pool for one session of it. Opening takes the listener in
 * turn and donates from the pool, which session::open reclaims whole first, so a refused attempt
 * (another opener holds the listener, or every session is in use) costs neither memory nor
 * capability slots, and the client tries again after a short sleep.
 */
template<typename P>
class Listener {
public:
    static ErrorOr<Listener> take(Bundle& bundle, ReticleCap const& memory, char const* requests, char const* replies)
    {
        auto listener = Connection::unbound(TRY(bundle.take<RingCap>(requests)), TRY(bundle.take<RingCap>(replies)), session::schema_id);
        return Listener(std::move(listener), TRY(system::carve(memory, session::pool_size<P>())));
    }

    ErrorOr<Client<P>> open_in_turn()
    {
        u64 give_up = deadline_after(open_patience);
        for (;;) {
            auto opened = session::open(m_listener, m_pool, session::geometry_of<P>(), session::donation_size<P>(), {},
                deadline_after(Duration::from_seconds(5)));
            if (!opened.is_error())
                return Client<P>(opened.release_value());
            if (monotonic_now().nanoseconds_since_boot() >= give_up)
                return opened.release_error();
            pause_briefly();
        }
    }

private:
    Listener(Connection listener, ReticleCap pool)
        : m_listener(std::move(listener))
        , m_pool(std::move(pool))
    {
    }

    Connection m_listener;
    ReticleCap m_pool;
};

ErrorOr<void> expect(bool condition, char const* what)
{
    if (!condition)
        return Error(ErrorCode::MalformedMessage, what);
    return {};
}

ErrorOr<void> check_echo(Listener<EchoProtocol>& echo, std::string_view name)
{
    auto client = TRY(echo.open_in_turn());
    auto reply = client.call(crashtest::Echo { TRY(FixedString<64>::try_from(name)) });
    client.connection().close(); /* the service frees the session and reclaims the donation */
    TRY(expect(!reply.is_error() && reply.value().text.view() == name, "the echo differs from the request"));
    return {};
}

ErrorOr<void> check_files(Listener<vfs::Protocol>& files, std::string_view name)
{
    auto client = TRY(files.open_in_turn());
    auto checked = [&]() -> ErrorOr<void> {
        Path path = TRY(Path::root().try_join(name));
        FixedString<64> content;
        TRY(expect(format_into(content, "{} was here", name), "the file's content does not fit"));
        vfs::Data data;
        for (u8 byte : as_bytes(content.view()))
            TRY(data.try_append(byte));
        auto written = TRY(client.call(vfs::Write { path, 0, data }));
        TRY(expect(written.size == content.view().size(), "vfsd reported a different file size"));
        auto read = TRY(client.call(vfs::Read { path, 0, u16(content.view().size() + 8) }));
        TRY(expect(as_text(read.data.span()) == content.view(), "read back different bytes than written"));
        TRY(client.call(vfs::Remove { path }));
        return {};
    }();
    client.connection().close();
    return checked;
}

}

ErrorOr<i32> session_echo(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    session::Table storage;
    SessionEchoHandler handlers[echo_limits.sessions];
    auto* table = TRY(session::Table::listen(storage, std::move(requests), std::move(replies),
        session::geometry_of<EchoProtocol>(), echo_limits));
    TRY(system::raise(ready));
    TRY(print_line(console, "echo: serving up to {} sessions", echo_limits.sessions));
    TRY(session::serve<EchoProtocol>(*table, handlers));
    return 0;
}

ErrorOr<i32> many_tasks_client(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto self = system::self_status();
    std::string_view name = self.name.view();

    char const* step = "echo";
    auto checked = [&]() -> ErrorOr<void> {
        auto echo = TRY(Listener<EchoProtocol>::take(bundle, memory, "echo-requests", "echo-replies"));
        TRY(check_echo(echo, name));
        step = "files";
        auto files = TRY(Listener<vfs::Protocol>::take(bundle, memory, "files-requests", "files-replies"));
        return check_files(files, name);
    }();
    if (checked.is_error()) {
        TRY(print_line(console, "many-tasks: {} FAILED: {}: {} ({})", name, step, checked.error().name(), checked.error().message()));
        return 1;
    }
    return 0;
}

}
