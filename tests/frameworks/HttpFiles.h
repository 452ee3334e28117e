/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A request handler for the HTTP tests that serves files from a map, as the appliance serves
 * them from vfsd: GET and HEAD (405 otherwise, with Allow), the target through
 * parse_target_path (400 when refused), 404 for a name not in the map, and the body streamed in
 * pieces of `piece` bytes. It can be told to fail before or after its response started.
 */

#pragma once

#include <map>
#include <string>
#include <vector>
#include <vectra/Try.h>
#include <vectra/http/Error.h>
#include <vectra/http/Server.h>
#include <vectra/http/Target.h>

namespace vectra::test::http {

using namespace vectra::http;

class MapFiles final : public RequestHandler {
public:
    std::map<std::string, std::string> files;
    usize piece { 1000 };
    enum class Failure { None, BeforeStart, AfterStart } failure { Failure::None };
    usize responded { 0 };
    std::vector<Method> methods; /* of every request answered, in order */

    ErrorOr<void> respond(Head const& head, ResponseWriter& writer) override
    {
        ++responded;
        methods.push_back(head.method);
        if (failure == Failure::BeforeStart)
            return Error(ErrorCode::NotFound, "the store went away");
        if (head.method != Method::Get && head.method != Method::Head) {
            Header allow[] = { { "Allow", "GET, HEAD" } };
            return writer.send_status(405, allow);
        }
        auto target = parse_target_path(head.target);
        if (target.is_error())
            return writer.send_status(status_for(target.error()));
        std::string name;
        for (usize index = 0; index < target.value().path.component_count(); ++index)
            name += "/" + std::string(target.value().path.component(index));
        auto file = files.find(name);
        if (file == files.end())
            return writer.send_status(404);
        Header type[] = { { "Content-Type", "application/octet-stream" } };
        TRY(writer.start(200, file->second.size(), type));
        if (failure == Failure::AfterStart)
            return Error(ErrorCode::NotFound, "the file went away mid-body");
        for (usize at = 0; at < file->second.size(); at += piece) {
            auto part = file->second.substr(at, piece);
            TRY(writer.write(std::span<u8 const>(reinterpret_cast<u8 const*>(part.data()), part.size())));
        }
        return {};
    }
};

}
