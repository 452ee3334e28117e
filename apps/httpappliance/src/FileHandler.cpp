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

ErrorOr<usize> FileBody::read(std::span<u8> buffer)
{
    if (!m_file || m_offset >= m_size)
        return Error(http::HttpError::BodyMismatch, "the body was read whole already");
    if (buffer.size() > m_size - m_offset)
        buffer = buffer.first(usize(m_size - m_offset));
    usize read = TRY(m_file->file->read_at(m_offset, buffer));
    if (read == 0)
        return Error(http::HttpError::BodyMismatch, "the file ended before its size");
    m_offset += read;
    return read;
}

void FileBody::finish()
{
    if (!m_file)
        return;
    if (--m_file->users == 0) {
        (void)m_file->file->close(); /* the open-file entry goes back with its last body */
        m_file->file.reset();
    }
    m_file = nullptr;
}

ErrorOr<bool> FileHandler::push(Path const& path, u64 size, std::span<http::Header const> fields, http::ResponseWriter& writer)
{
    FileBody* body = nullptr;
    for (auto& candidate : m_bodies) {
        if (candidate.is_free()) {
            body = &candidate;
            break;
        }
    }
    SharedFile* shared = nullptr;
    for (auto& candidate : m_shared) {
        if (candidate.file && candidate.path == path) {
            shared = &candidate;
            break;
        }
        if (!candidate.file && !shared)
            shared = &candidate;
    }
    if (!body || !shared || !writer.may_defer_body())
        return false;
    if (!shared->file) {
        auto file = m_files.open(path);
        if (file.is_error())
            return false;
        shared->file = file.release_value();
        shared->path = path;
    }
    ++shared->users;
    body->start(*shared, size);
    auto started = writer.start(200, size, fields);
    if (started.is_error()) {
        body->finish();
        return started.release_error();
    }
    ++m_files_served;
    auto streamed = writer.stream_body(*body);
    if (streamed.is_error()) {
        body->finish();
        return streamed.release_error();
    }
    m_bytes_served += size; /* counted as handed over: a body cut short resets its connection */
    return true;
}

ErrorOr<void> FileHandler::serve(Path const& path, http::ResponseWriter& writer)
{
    auto status = m_files.stat(path);
    if (status.is_error() || status.value().kind != vfs::NodeKind::File)
        return writer.send_status(404);
    http::Header pushed_type[] = { { "Content-Type", content_type(path) } };
    if (TRY(push(path, status.value().size, pushed_type, writer)))
        return {};
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
