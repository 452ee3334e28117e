/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/block/Device.h>
#include <vectra/store/Store.h>
#include <vfsd/Backend.h>

namespace vectra::vfs {

/*
 * The `store` backend (ADR 0022, ADR 0023): the crash-safe store (components/store) behind vfsd's
 * Backend interface. The store's namespace is flat, so paths map onto names:
 * - a file at `a/b/c` (relative to the mount) is the store name "a/b/c" (components joined by
 *   `/`, which no component holds, so the mapping is one-to-one); the root is implicit;
 * - a directory `a/b` is a zero-length marker named "a/b/"; a file or directory needs its parent
 *   directory's marker (NotFound without it, NotADirectory when the parent is a file);
 * - names are at most 255 bytes (the store's limit): a longer path is TooLarge;
 * - list(directory) walks store.list("a/b/") and keeps the names with no further `/` (files) and
 *   the markers one level down (directories); the page cursor is the store's (a node number);
 * - rename of a directory renames its marker and every name under its prefix; every new name is
 *   checked first, and one store commit carries them all, so a power cut leaves all or none;
 * - a token packs the store's File (node, incarnation): it follows renames, and a removed or
 *   replaced file's token is NotFound;
 * - sync(token) and sync_all() are one store commit each (a commit covers every change);
 * - stat has no times (the store keeps none yet): modified 0, confidence unknown.
 * After a failed commit the store refuses every change until it is mounted again: they are IoError.
 */
class StoreBackend final : public Backend {
public:
    enum class Format : u8 {
        Never,
        /* Formats only a partition with no store whose first `probe_bytes` are all zero (never written). */
        IfEmpty,
    };
    static constexpr usize probe_bytes = 64 * 1024;

    /*
     * Mounts the store on `device` (or formats an empty partition, per `format`), placing the
     * backend at the start of `placement` (64-byte aligned, at least sizeof(StoreBackend)).
     * A partition holding anything that is not a store is refused with a sentence, never formatted.
     */
    [[nodiscard]] static ErrorOr<StoreBackend*> try_create(
        std::span<u8> placement, block::Device&, store::Memory const&, Format);

    [[nodiscard]] std::string_view kind_name() const override { return "store"; }
    [[nodiscard]] bool read_only() const override { return false; }

    [[nodiscard]] ErrorOr<NodeStatus> stat(Path const&) override;
    [[nodiscard]] ErrorOr<void> create_directory(Path const&) override;
    [[nodiscard]] ErrorOr<void> remove(Path const&) override;
    [[nodiscard]] ErrorOr<void> rename(Path const& from, Path const& to) override;
    [[nodiscard]] ErrorOr<BackendPage> list(Path const& directory, u64 cursor, std::span<BackendEntry> into) override;
    [[nodiscard]] ErrorOr<u64> write(Path const&, u64 offset, std::span<u8 const>) override;

    [[nodiscard]] ErrorOr<FileToken> open(Path const&, bool create) override;
    void close(FileToken) override { }
    [[nodiscard]] ErrorOr<usize> read(FileToken, u64 offset, std::span<u8> into) override;
    [[nodiscard]] ErrorOr<u64> write(FileToken, u64 offset, std::span<u8 const>) override;
    [[nodiscard]] ErrorOr<u64> truncate(FileToken, u64 size) override;
    [[nodiscard]] ErrorOr<NodeStatus> stat(FileToken) override;
    [[nodiscard]] ErrorOr<void> sync(FileToken) override;
    [[nodiscard]] ErrorOr<void> sync_all() override;

    [[nodiscard]] store::Report report() const { return m_store.report(); }
    [[nodiscard]] bool formatted() const { return m_formatted; }

    /* A store name: the path's components joined by `/` (plus a trailing `/` for a directory marker). */
    struct Name {
        char bytes[store::maximum_name + 1];
        usize length { 0 };
        [[nodiscard]] std::string_view view() const { return { bytes, length }; }
    };

private:
    StoreBackend(store::Store store, bool formatted)
        : m_store(std::move(store))
        , m_formatted(formatted)
    {
    }

    enum class Found : u8 {
        Nothing,
        File,
        Directory,
    };
    [[nodiscard]] ErrorOr<Found> find(Path const&);
    [[nodiscard]] ErrorOr<void> parent_is_directory(Path const&);
    [[nodiscard]] ErrorOr<store::File> file(FileToken) const;
    [[nodiscard]] ErrorOr<u64> write_file(store::File, u64 offset, std::span<u8 const>);
    [[nodiscard]] ErrorOr<bool> directory_is_empty(std::string_view prefix) const;
    [[nodiscard]] Error translated(Error const&) const;
    template<typename T>
    [[nodiscard]] ErrorOr<T> translated(ErrorOr<T>&&) const;

    store::Store m_store;
    bool m_formatted { false };
    bool m_failed { false };
};

/* The store's name for `path`, with a trailing `/` when `marker`; TooLarge past 255 bytes. */
[[nodiscard]] ErrorOr<StoreBackend::Name> store_name_of(Path const&, bool marker);

}
