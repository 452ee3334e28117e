/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The appliance's RequestHandler: GET and HEAD of files under one folder of vfsd's namespace,
 * read-only. The target becomes a Path through parse_target_path (never a string joined
 * together), joined under the root component by component; a directory target serves its
 * index.html. Answers: 200 with the file streamed in transfer-sized reads (`Accept-Ranges: bytes`,
 * a content type from the extension, `X-Content-Type-Options: nosniff`); 206 with the bytes one
 * range of a GET asks for and their Content-Range; 416 for a range past the end, its
 * Content-Range "bytes *" then "/size" (http::select_range, RFC 9110 §14: more than one range, or
 * any If-Range — the appliance keeps no validator — is answered whole); 301 to the folder's own
 * target with its final '/' for a folder named without it (http::folder_location); 404 (no such
 * file, or a directory without index.html), 400 (a refused target), 414 (too long for a Path), 405
 * with Allow for any other method.
 */

#pragma once

#include <array>
#include <vectra/Path.h>
#include <vectra/fs/Client.h>
#include <vectra/http/Server.h>

namespace vectra::http_appliance {

class FileHandler final : public http::RequestHandler {
public:
    /*
     * One vfsd read-buffer call and one socket send per 64 KiB: the send fills segments whole but
     * one per read. The bytes are sent from the vfsd session's transfer buffer, which must be at
     * least this large (File::read_view).
     */
    static constexpr usize read_bytes = 64 * 1024;

    FileHandler(vfs::Client& files, Path const& root)
        : m_files(files)
        , m_root(root)
    {
    }

    ErrorOr<void> respond(http::Head const&, http::ResponseWriter&) override;

    [[nodiscard]] u64 answered() const { return m_answered; }
    [[nodiscard]] u64 files_served() const { return m_files_served; }
    [[nodiscard]] u64 bytes_served() const { return m_bytes_served; }

private:
    ErrorOr<void> serve(http::Head const&, Path const&, http::ResponseWriter&);
    ErrorOr<void> stream(vfs::File&, u16 status, u64 first, u64 length, std::span<http::Header const>, http::ResponseWriter&);

    vfs::Client& m_files;
    Path m_root;
    u64 m_answered { 0 };
    u64 m_files_served { 0 };
    u64 m_bytes_served { 0 };
};

}
