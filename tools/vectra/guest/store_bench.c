/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * store_bench: the Linux guest's side of `./vectra bench store_guest` (tools/vectra/bench_guest.py,
 * ADR 0023's amendment). Built by the harness with the host's C compiler as a static program
 * and put in the guest's initramfs; it does on an ext4 mount what components/storebench does
 * on the store through vfsd, with the same sizes and the same checks:
 *
 *   store_bench MOUNT MIB FILES
 *
 *   1. MOUNT/big: MIB MiB in write() calls of 1 MiB (each MiB stamped at both ends), fsync();
 *   2. the page cache dropped (not timed), MOUNT/big read back in read() calls of 1 MiB, each
 *      stamp checked;
 *   3. MOUNT/small made (not timed), FILES files of 100 bytes created (open, write, close),
 *      each stat()-ed (its size checked), each read (open, read, close; every byte checked),
 *      then syncfs(); then one of them rewritten and fsync()-ed (printed as `one-change`, not a
 *      benchmark record).
 *
 * Each run is timed with CLOCK_MONOTONIC inside the program (starting it is not in any run)
 * and printed as `linux-bench: <run>: <nanoseconds>`; a failure prints `linux-bench: <run>
 * failed: …` and ends the program with status 1.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_BYTES (1024 * 1024)
#define SMALL_FILE_BYTES 100

static uint64_t now(void)
{
    struct timespec clock;
    clock_gettime(CLOCK_MONOTONIC, &clock);
    return (uint64_t)clock.tv_sec * 1000000000u + (uint64_t)clock.tv_nsec;
}

static void fail(char const* run, char const* what)
{
    printf("linux-bench: %s failed: %s (%s)\n", run, what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static uint64_t stamp_of(uint64_t index) { return 0x73746f72652d6265ull ^ (index * 0x9e3779b97f4a7c15ull); }

static unsigned char small_byte(unsigned file, unsigned index) { return (unsigned char)('a' + (file * 7 + index) % 26); }

static void drop_caches(void)
{
    sync();
    int control = open("/proc/sys/vm/drop_caches", O_WRONLY);
    if (control < 0 || write(control, "3\n", 2) != 2)
        fail("drop-caches", "cannot drop the page cache");
    close(control);
}

static void sequential(char const* mount, unsigned mebibytes, unsigned char* bytes, int writing)
{
    char const* run = writing ? "sequential-write" : "sequential-read";
    char path[4096];
    snprintf(path, sizeof(path), "%s/big", mount);
    int file = writing ? open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644) : open(path, O_RDONLY);
    if (file < 0)
        fail(run, "open");
    uint64_t started = now();
    for (uint64_t index = 0; index < mebibytes; ++index) {
        uint64_t stamp = stamp_of(index);
        if (writing) {
            memcpy(bytes, &stamp, sizeof(stamp));
            memcpy(bytes + REQUEST_BYTES - sizeof(stamp), &stamp, sizeof(stamp));
            if (write(file, bytes, REQUEST_BYTES) != REQUEST_BYTES)
                fail(run, "write");
            continue;
        }
        memset(bytes, 0, sizeof(stamp));
        memset(bytes + REQUEST_BYTES - sizeof(stamp), 0, sizeof(stamp));
        if (read(file, bytes, REQUEST_BYTES) != REQUEST_BYTES)
            fail(run, "read");
        if (memcmp(bytes, &stamp, sizeof(stamp)) || memcmp(bytes + REQUEST_BYTES - sizeof(stamp), &stamp, sizeof(stamp)))
            fail(run, "a MiB read back differs from what was written");
    }
    if (writing && fsync(file) != 0)
        fail(run, "fsync");
    uint64_t elapsed = now() - started;
    close(file);
    printf("linux-bench: %s: %llu\n", run, (unsigned long long)elapsed);
}

static void small_files(char const* mount, unsigned files)
{
    char const* run = "small-files";
    char folder[4096], path[4200];
    unsigned char bytes[SMALL_FILE_BYTES];
    snprintf(folder, sizeof(folder), "%s/small", mount);
    if (mkdir(folder, 0755) != 0)
        fail(run, "mkdir");
    uint64_t started = now();
    for (unsigned file = 0; file < files; ++file) {
        for (unsigned index = 0; index < SMALL_FILE_BYTES; ++index)
            bytes[index] = small_byte(file, index);
        snprintf(path, sizeof(path), "%s/f%05u", folder, file);
        int descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (descriptor < 0 || write(descriptor, bytes, SMALL_FILE_BYTES) != SMALL_FILE_BYTES || close(descriptor) != 0)
            fail(run, "create");
    }
    for (unsigned file = 0; file < files; ++file) {
        struct stat status;
        snprintf(path, sizeof(path), "%s/f%05u", folder, file);
        if (stat(path, &status) != 0 || status.st_size != SMALL_FILE_BYTES)
            fail(run, "stat");
    }
    for (unsigned file = 0; file < files; ++file) {
        snprintf(path, sizeof(path), "%s/f%05u", folder, file);
        memset(bytes, 0, sizeof(bytes));
        int descriptor = open(path, O_RDONLY);
        if (descriptor < 0 || read(descriptor, bytes, SMALL_FILE_BYTES) != SMALL_FILE_BYTES || close(descriptor) != 0)
            fail(run, "read");
        for (unsigned index = 0; index < SMALL_FILE_BYTES; ++index)
            if (bytes[index] != small_byte(file, index))
                fail(run, "a small file holds other bytes");
    }
    int directory = open(folder, O_RDONLY | O_DIRECTORY);
    if (directory < 0 || syncfs(directory) != 0)
        fail(run, "syncfs");
    uint64_t elapsed = now() - started;
    close(directory);
    printf("linux-bench: %s: %llu\n", run, (unsigned long long)elapsed);

    /* One small change among that many files, made durable (printed, not a benchmark record). */
    run = "one-change";
    for (unsigned index = 0; index < SMALL_FILE_BYTES; ++index)
        bytes[index] = small_byte(files, index);
    snprintf(path, sizeof(path), "%s/f%05u", folder, 0u);
    started = now();
    int descriptor = open(path, O_WRONLY);
    if (descriptor < 0 || write(descriptor, bytes, SMALL_FILE_BYTES) != SMALL_FILE_BYTES || fsync(descriptor) != 0
        || close(descriptor) != 0)
        fail(run, "rewrite");
    printf("linux-bench: %s: %llu\n", run, (unsigned long long)(now() - started));
}

int main(int count, char** arguments)
{
    if (count != 4) {
        fprintf(stderr, "usage: store_bench MOUNT MIB FILES\n");
        return 2;
    }
    char const* mount = arguments[1];
    unsigned mebibytes = (unsigned)strtoul(arguments[2], 0, 10);
    unsigned files = (unsigned)strtoul(arguments[3], 0, 10);
    unsigned char* bytes = malloc(REQUEST_BYTES);
    if (!bytes)
        fail("setup", "malloc");
    for (unsigned index = 0; index < REQUEST_BYTES; ++index)
        bytes[index] = (unsigned char)(index * 7);
    setvbuf(stdout, 0, _IOLBF, 0);
    sequential(mount, mebibytes, bytes, 1);
    drop_caches();
    sequential(mount, mebibytes, bytes, 0);
    small_files(mount, files);
    printf("linux-bench: done\n");
    return 0;
}
