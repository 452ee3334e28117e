/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Host files as disks (vectra/platform/Disks.h): 512-byte blocks, pread/pwrite at the byte
 * offset the kernel checked, fdatasync for flush. A file whose size is not a whole number of
 * blocks, or that cannot be opened, is refused before boot with the reason.
 */

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vectra/platform/Disks.h>
#include <vectra/platform/hosted/Disks.h>

namespace vectra::platform {

namespace {

struct HostDisk {
    int descriptor { -1 };
    DiskGeometry geometry;
};

HostDisk s_disks[maximum_disks];
usize s_count { 0 };

}

namespace hosted {

ErrorOr<void> attach_disk(char const* path)
{
    if (s_count == maximum_disks)
        return Error(ErrorCode::Full, "at most 4 disks (--disk=) per process");
    bool read_only = false;
    int descriptor = ::open(path, O_RDWR | O_CLOEXEC);
    if (descriptor < 0 && (errno == EACCES || errno == EROFS)) {
        descriptor = ::open(path, O_RDONLY | O_CLOEXEC);
        read_only = true;
    }
    if (descriptor < 0)
        return Error(ErrorCode::NotFound, "a --disk= file cannot be opened");
    struct stat status;
    if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0
        || status.st_size % 512 != 0) {
        ::close(descriptor);
        return Error(ErrorCode::InvalidArgument, "a --disk= file must be a regular file of whole 512-byte blocks");
    }
    s_disks[s_count++] = { descriptor, { 512, static_cast<u64>(status.st_size) / 512, read_only } };
    return {};
}

void detach_disks()
{
    for (usize index = 0; index < s_count; ++index)
        ::close(s_disks[index].descriptor);
    s_count = 0;
}

}

usize disk_count() { return s_count; }

DiskGeometry disk_geometry(usize index) { return s_disks[index].geometry; }

ErrorOr<void> disk_read(usize index, u64 offset, std::span<u8> bytes)
{
    usize done = 0;
    while (done < bytes.size()) {
        ssize_t count = ::pread(s_disks[index].descriptor, bytes.data() + done, bytes.size() - done, off_t(offset + done));
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            return Error(ErrorCode::Unsupported, "the host file could not be read");
        done += static_cast<usize>(count);
    }
    return {};
}

ErrorOr<void> disk_write(usize index, u64 offset, std::span<u8 const> bytes)
{
    usize done = 0;
    while (done < bytes.size()) {
        ssize_t count = ::pwrite(s_disks[index].descriptor, bytes.data() + done, bytes.size() - done, off_t(offset + done));
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            return Error(ErrorCode::Unsupported, "the host file could not be written");
        done += static_cast<usize>(count);
    }
    return {};
}

ErrorOr<void> disk_flush(usize index)
{
    if (::fdatasync(s_disks[index].descriptor) != 0)
        return Error(ErrorCode::Unsupported, "fdatasync of the host file failed");
    return {};
}

}
