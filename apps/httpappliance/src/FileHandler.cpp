/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "FileHandler.h"
#include <vectra/Try.h>
#include <vectra/http/Error.h>
#include <vectra/http/Target.h>

namespace vectra::http_appliance {

namespace {

/* A content type from the last component's extension (application/octet-stream otherwise). */
std::string_view content_type(Path const& path)
{
    auto name = path.last();
    usize dot = name.rfind('.');
    auto extension = dot == std::string_view::npos ? std::string_view {} : name.substr(dot + 1);
    if (extension == "html" || extension == "htm")
        return "text/html; charset=utf-8";
    if (extension == "txt")
        return "text/plain; charset=utf-8";
    if (extension == "css")
        return "text/css";
    if (extension == "js")
        return "text/javascript";
    if (extension == "json")
        return "application/json";
    if (extension == "png")
        return "image/png";
    return "application/octet-stream";
}

}

ErrorOr<void> FileHandler::respond(http::Head const& head, http::ResponseWriter& writer)
{
    ++m_answered;
    if (head.method != http::Method::Get && head.method != http::Method::Head) {
        http::Header allow[] = { { "Allow", "GET, HEAD" }, { "Content-Type", "text/plain; charset=utf-8" } };
        return writer.send_status(405, allow);
    }
    auto target = http::parse_target_path(head.target);
    if (target.is_error())
        return writer.send_status(http::status_for(target.error()));
    Path path = m_root;
    for (usize index = 0; index < target.value().path.component_count(); ++index) {
        auto joined = path.try_join(target.value().path.component(index));
        if (joined.is_error())
            return writer.send_status(414);
        path = joined.release_value();
    }
    if (target.value().directory) {
        auto index = path.try_join("index.html");
        if (index.is_error())
            return writer.send_status(414);
        path = index.release_value();
    }
    return serve(path, writer);
}

ErrorOr<void> FileHandler::serve(Path const& path, http::ResponseWriter& writer)
{
    auto status = m_files.stat(path);
    if (status.is_error() || status.value().kind != vfs::NodeKind::File)
        return writer.send_status(404);
    auto file = m_files.open(path);
    if (file.is_error())
        return writer.send_status(404);
    u64 size = status.value().size;
    http::Header type[] = { { "Content-Type", content_type(path) } };
    auto result = stream(file.value(), size, type, writer);
    (void)file.value().close(); /* the open-file entry goes back however the response went */
    return result;
}

ErrorOr<void> FileHandler::stream(vfs::File& file, u64 size, std::span<http::Header const> fields, http::ResponseWriter& writer)
{
    TRY(writer.start(200, size, fields));
    ++m_files_served;
    if (writer.is_head_only())
        return writer.omit_body();
    u64 offset = 0;
    while (offset < size) {
        auto want = m_buffer.first(size - offset < m_buffer.size() ? usize(size - offset) : m_buffer.size());
        usize read = TRY(file.read_at(offset, want));
        if (read == 0)
            return Error(http::HttpError::BodyMismatch, "the file ended before its size");
        TRY(writer.write(m_buffer.first(read)));
        offset += read;
    }
    m_bytes_served += size;
    return {};
}

}
