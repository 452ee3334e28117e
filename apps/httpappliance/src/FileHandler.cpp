/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "FileHandler.h"
#include <vectra/Try.h>
#include <vectra/http/Characters.h>
#include <vectra/http/Error.h>
#include <vectra/http/Range.h>
#include <vectra/http/Target.h>

namespace vectra::http_appliance {

namespace {

/* The longest Location a folder's redirect sends (a longer target gets 404, as before). */
constexpr usize location_capacity = 512;

/* A content type from the last component's extension (application/octet-stream otherwise). */
std::string_view content_type(Path const& path)
{
    struct Type {
        std::string_view extension;
        std::string_view type;
    };
    static constexpr Type types[] = {
        { "html", "text/html; charset=utf-8" }, { "htm", "text/html; charset=utf-8" },
        { "txt", "text/plain; charset=utf-8" }, { "md", "text/markdown; charset=utf-8" },
        { "css", "text/css" }, { "js", "text/javascript" }, { "mjs", "text/javascript" },
        { "json", "application/json" }, { "xml", "application/xml" }, { "pdf", "application/pdf" },
        { "wasm", "application/wasm" }, { "png", "image/png" }, { "jpg", "image/jpeg" },
        { "jpeg", "image/jpeg" }, { "gif", "image/gif" }, { "webp", "image/webp" },
        { "svg", "image/svg+xml" }, { "ico", "image/vnd.microsoft.icon" }, { "woff2", "font/woff2" },
    };
    auto name = path.last();
    usize dot = name.rfind('.');
    if (dot == std::string_view::npos)
        return "application/octet-stream";
    auto extension = name.substr(dot + 1);
    for (auto const& each : types) {
        if (http::equals_ignoring_case(extension, each.extension))
            return each.type;
    }
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
    return serve(head, path, writer);
}

ErrorOr<void> FileHandler::serve(http::Head const& head, Path const& path, http::ResponseWriter& writer)
{
    auto status = m_files.stat(path);
    if (!status.is_error() && status.value().kind == vfs::NodeKind::Directory) {
        /* A folder named without its final '/': where its index is (its relative links resolve there). */
        char location_text[location_capacity];
        auto location = http::folder_location(head.target, location_text);
        if (!location.has_value())
            return writer.send_status(404);
        http::Header fields[] = { { "Location", *location }, { "Content-Type", "text/plain; charset=utf-8" } };
        return writer.send_status(301, fields);
    }
    if (status.is_error() || status.value().kind != vfs::NodeKind::File)
        return writer.send_status(404);
    u64 size = status.value().size;
    /* Only GET has range handling (RFC 9110 §14.2). The appliance keeps no validator (no ETag, no
       Last-Modified it could vouch for), so an If-Range never matches and means the whole file. */
    auto range = head.method == http::Method::Get ? http::select_range(head.find("range"), !head.find("if-range").has_value(), size)
                                                  : http::SelectedRange {};
    char range_text[http::content_range_capacity];
    auto content_range = http::content_range(range, size, range_text);
    if (range.answer == http::RangeAnswer::Unsatisfiable) {
        http::Header fields[] = { { "Content-Type", "text/plain; charset=utf-8" }, { "Content-Range", content_range } };
        return writer.send_status(416, fields);
    }
    auto file = m_files.open(path);
    if (file.is_error())
        return writer.send_status(404);
    /* A partial answer adds its Content-Range (the last field) to what every file's answer says. */
    http::Header fields[] = { { "Content-Type", content_type(path) }, { "Accept-Ranges", "bytes" },
        { "X-Content-Type-Options", "nosniff" }, { "Content-Range", content_range } };
    bool partial = range.answer == http::RangeAnswer::Partial;
    auto result = stream(file.value(), partial ? 206 : 200, partial ? range.first : 0, partial ? range.length : size,
        std::span<http::Header const>(fields).first(partial ? 4 : 3), writer);
    (void)file.value().close(); /* the open-file entry goes back however the response went */
    return result;
}

ErrorOr<void> FileHandler::stream(vfs::File& file, u16 status, u64 first, u64 length, std::span<http::Header const> fields,
    http::ResponseWriter& writer)
{
    TRY(writer.start(status, length, fields));
    ++m_files_served;
    if (writer.is_head_only())
        return writer.omit_body();
    u64 sent = 0;
    while (sent < length) {
        /* Read into the vfsd session's transfer buffer and sent from there: one copy less than through a buffer of ours. */
        auto read = TRY(file.read_view(first + sent, length - sent < read_bytes ? usize(length - sent) : read_bytes));
        if (read.empty())
            return Error(http::HttpError::BodyMismatch, "the file ended before its size");
        TRY(writer.write(read));
        sent += read.size();
    }
    m_bytes_served += length;
    return {};
}

}
