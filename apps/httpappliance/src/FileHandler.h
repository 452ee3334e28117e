/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The appliance's RequestHandler: GET and HEAD of files under one folder of vfsd's namespace,
 * read-only. The target becomes a Path through parse_target_path (never a string joined
 * together), joined under the root component by component; a directory target serves its
 * index.html. Answers: 200 with the file streamed in transfer-sized reads, 404 (no such file, or
 * a directory without index.html), 400 (a refused target), 414 (too long for a Path), 405 with
 * Allow for any other method.
 *
 * Bodies are handed to the server as BodySources (ResponseWriter::stream_body), which it pushes
 * between turns (docs/adr/0053-response-bodies-pushed-between-turns.md): one FileBody per
 * connection, reading at its own offset from an open file shared by every body of the same path
 * (vfsd gives a session open_files_per_session entries, one kept free for the fallback). When no
 * shared entry is free, or the server pushes no bodies, the body is written here as before.
 */

#pragma once

#include <array>
#include <vectra/Path.h>
#include <vectra/fs/Client.h>
#include <vectra/http/Server.h>

namespace vectra::http_appliance {

class FileHandler;

/* A file open in vfsd, shared by the bodies being pushed from it. */
struct SharedFile {
    std::optional<vfs::File> file;
    Path path { Path::root() };
    usize users { 0 };
};

/* One response body read from a shared file at its own offset. */
class FileBody final : public http::BodySource {
public:
    ErrorOr<usize> read(std::span<u8> buffer) override;
    void finish() override;
    [[nodiscard]] bool is_free() const { return m_file == nullptr; }
    void start(SharedFile& file, u64 size)
    {
        m_file = &file;
        m_offset = 0;
        m_size = size;
    }

private:
    SharedFile* m_file { nullptr };
    u64 m_offset { 0 };
    u64 m_size { 0 };
};

class FileHandler final : public http::RequestHandler {
public:
    /* The blocking fallback's reads, and a pushed body's buffer per connection: one vfsd read-buffer call and one send each. */
    static constexpr usize read_bytes = 16 * 1024;
    /* Open files shared by pushed bodies: vfsd's open_files_per_session, less one for the fallback. */
    static constexpr usize shared_files = vfs::open_files_per_session - 1;

    /* `bodies`: one per connection the server holds (each pushes at most one body at a time). */
    FileHandler(vfs::Client& files, Path const& root, std::span<u8> buffer, std::span<FileBody> bodies)
        : m_files(files)
        , m_root(root)
        , m_buffer(buffer)
        , m_bodies(bodies)
    {
    }

    ErrorOr<void> respond(http::Head const&, http::ResponseWriter&) override;

    [[nodiscard]] u64 answered() const { return m_answered; }
    [[nodiscard]] u64 files_served() const { return m_files_served; }
    [[nodiscard]] u64 bytes_served() const { return m_bytes_served; }

private:
    ErrorOr<void> serve(Path const&, http::ResponseWriter&);
    ErrorOr<void> stream(vfs::File&, u64 size, std::span<http::Header const>, http::ResponseWriter&);
    /* Hands the body to the server when a body and a shared file are free: false when the caller must write it. */
    [[nodiscard]] ErrorOr<bool> push(Path const&, u64 size, std::span<http::Header const>, http::ResponseWriter&);

    vfs::Client& m_files;
    Path m_root;
    std::span<u8> m_buffer;
    std::span<FileBody> m_bodies;
    SharedFile m_shared[shared_files];
    u64 m_answered { 0 };
    u64 m_files_served { 0 };
    u64 m_bytes_served { 0 };
};

}
