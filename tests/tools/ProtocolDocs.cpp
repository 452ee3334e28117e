/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Writes the reference page of every declared protocol (docs/protocols/<name>.md) from its
 * declaration, or checks the committed pages match:
 *
 *     protocol_docs --write docs/protocols     # regenerate
 *     protocol_docs --check docs/protocols     # ctest tools.protocol_docs
 *
 * A new protocol is one line in `pages` below.
 */

#include <crashtest/Echo.h>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vectra/Capability.h>
#include <vectra/Session.h>
#include <vectra/block/Protocol.h>
#include <vectra/control/Protocol.h>
#include <vectra/display/Protocol.h>
#include <vectra/fs/Protocol.h>
#include <vectra/input/DeviceProtocol.h>
#include <vectra/input/Protocol.h>
#include <vectra/net/Link.h>
#include <vectra/net/Protocol.h>
#include <vectra/resolver/Protocol.h>
#include <vectra/tlsstream/Protocol.h>
#include <vectra/surface/Protocol.h>
#include <vectra/font/Protocol.h>
#include <vectra/tty/Protocol.h>
#include <vectra/notify/Protocol.h>

using namespace vectra;

namespace {

struct Text {
    std::string text;
    void append(std::string_view part) { text.append(part); }
};

template<typename T>
std::string structure()
{
    Text sink;
    encoding::describe_structure<T>(sink);
    return sink.text;
}

std::string hexadecimal(u64 value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "0x%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

std::string capability(std::optional<CapabilityClass> carried)
{
    return carried ? std::string(capability_class_name(*carried)) : "—";
}

template<typename P>
std::string page(std::string_view declared_in)
{
    std::ostringstream out;
    out << "# " << P::name << ", version " << P::version << "\n\n"
        << "Generated from the declaration in `" << declared_in << "` by `protocol_docs --write docs/protocols` "
        << "(tests/tools/ProtocolDocs.cpp); `ctest -R tools.protocol_docs` fails when this page and the declaration differ. "
        << "Do not edit.\n\n"
        << "- schema id: `" << hexadecimal(protocol::schema_id<P>) << "` (FNV-1a 64 of the structural description below)\n"
        << "- Ring slots: " << P::slot_count << " × " << P::slot_size << " bytes (" << protocol::payload_capacity<P>
        << " bytes of payload; the largest message takes " << protocol::largest_message<P>() << ")\n"
        << "- envelope: `u16 message` (the reply's | 0x8000), `u16 status` (0 success, 1–32767 an error below, "
        << "0x8000 | a kernel or L0 `ErrorCode`), `u32 call id`, then the canonical binary body (core/encoding)\n\n"
        << "## Errors\n\n| status | name | meaning |\n|---|---|---|\n";
    constexpr auto declared_errors = P::errors();
    for (usize index = 0; index < declared_errors.count; ++index) {
        auto const& entry = declared_errors.entries[index];
        out << "| " << static_cast<u16>(entry.code) << " | `" << entry.name << "` | " << entry.summary << " |\n";
    }
    out << "\n## Messages\n\n| number | name | request | reply | slot carries |\n|---|---|---|---|---|\n";
    std::ostringstream details;
    protocol::for_each_message<P>([&]<usize Index>() {
        auto const declared = std::get<Index>(P::messages().entries);
        out << "| " << Index + 1 << " | `" << declared.name << "` | `" << structure<protocol::RequestAt<P, Index>>()
            << "` | `" << structure<protocol::ReplyAt<P, Index>>() << "` | " << capability(declared.request_capability)
            << " → " << capability(declared.reply_capability) << " |\n";
        details << "- **" << declared.name << "** (" << Index + 1 << "): " << declared.summary << " Request at most "
                << protocol::envelope_size + encoding::maximum_binary_body_size<protocol::RequestAt<P, Index>>()
                << " bytes, reply at most "
                << protocol::envelope_size + encoding::maximum_binary_body_size<protocol::ReplyAt<P, Index>>() << ".\n";
    });
    Text description;
    protocol::describe_protocol<P>(description);
    out << "\n" << details.str() << "\n## Structural description\n\n```text\n" << description.text << "```\n";
    return out.str();
}

struct Page {
    std::string name;
    std::string text;
};

}

int main(int argc, char** argv)
{
    if (argc != 3 || (std::string(argv[1]) != "--write" && std::string(argv[1]) != "--check")) {
        std::fprintf(stderr, "usage: protocol_docs --write|--check DIRECTORY\n");
        return 2;
    }
    Page pages[] = {
        { "vectra.block", page<block::Protocol>("core/block/include/vectra/block/Protocol.h") },
        { "vectra.vfs", page<vfs::Protocol>("core/fs/include/vectra/fs/Protocol.h") },
        { "vectra.socket", page<net::Protocol>("core/net/include/vectra/net/Protocol.h") },
        { "vectra.link", page<net::link::Protocol>("core/net/include/vectra/net/Link.h") },
        { "vectra.input.device", page<input::device::Protocol>("core/inputprotocol/include/vectra/input/DeviceProtocol.h") },
        { "vectra.input", page<input::Protocol>("core/inputprotocol/include/vectra/input/Protocol.h") },
        { "vectra.input.focus", page<input::focus::Protocol>("core/inputprotocol/include/vectra/input/Protocol.h") },
        { "vectra.resolver", page<resolver::Protocol>("core/resolver/include/vectra/resolver/Protocol.h") },
        { "vectra.tls", page<tls_stream::Protocol>("core/tlsstream/include/vectra/tlsstream/Protocol.h") },
        { "vectra.surface", page<surface::Protocol>("core/surface/include/vectra/surface/Protocol.h") },
        { "vectra.display", page<display::Protocol>("core/display/include/vectra/display/Protocol.h") },
        { "vectra.font", page<font::Protocol>("core/font/include/vectra/font/Protocol.h") },
        { "vectra.tty", page<tty::Protocol>("core/tty/include/vectra/tty/Protocol.h") },
        { "vectra.notify", page<notify::Protocol>("core/notify/include/vectra/notify/Protocol.h") },
        { "vectra.control", page<control::Protocol>("core/control/include/vectra/control/Protocol.h") },
        { "vectra.session", page<session::Protocol>("core/concurrent/include/vectra/Session.h") },
        { "vectra.test.echo", page<crashtest::EchoProtocol>("components/crashtest/include/crashtest/Echo.h") },
    };
    bool write = std::string(argv[1]) == "--write";
    int differing = 0;
    for (auto const& entry : pages) {
        std::string path = std::string(argv[2]) + "/" + entry.name + ".md";
        if (write) {
            std::ofstream(path) << entry.text;
            continue;
        }
        std::ifstream committed(path);
        std::stringstream contents;
        contents << committed.rdbuf();
        if (contents.str() != entry.text) {
            std::fprintf(stderr, "%s differs from its declaration: run protocol_docs --write docs/protocols\n", path.c_str());
            ++differing;
        }
    }
    return differing == 0 ? 0 : 1;
}
