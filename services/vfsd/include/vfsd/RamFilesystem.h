/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/Path.h>
#include <vectra/System.h>
#include <vectra/fs/Protocol.h>
#include <vfsd/Backend.h>

namespace vectra::vfs {

/*
 * The `ram` backend: a RAM filesystem with fixed-capacity node and block tables placed in one
 * memory object vfsd creates at start (bytes_needed() says how large). Freed nodes and blocks
 * return to free lists, so a long-running vfsd does not leak. Every operation validates before
 * it changes anything: a failed call leaves the tree as it was. Nothing survives power-off, so
 * sync has nothing to do; a full table or pool is NoSpace. A file token is the node's index and
 * the generation it was created in: it follows the file through renames and goes stale (NotFound)
 * when the file is removed, even if the node is reused.
 */
class RamFilesystem final : public Backend {
public:
    static constexpr usize block_size = 512;
    /* 128 KiB per file in this cut (32 KiB before SQLite: a WAL file outgrew it in two transactions) */
    static constexpr usize blocks_per_file = 256;

    [[nodiscard]] static constexpr usize bytes_needed(u32 node_capacity, u32 block_capacity);
    /* Places the tables and the filesystem itself at the start of `memory`. */
    [[nodiscard]] static ErrorOr<RamFilesystem*> try_create(std::span<u8> memory, u32 node_capacity, u32 block_capacity);

    [[nodiscard]] std::string_view kind_name() const override { return "ram"; }
    [[nodiscard]] bool read_only() const override { return false; }

    [[nodiscard]] ErrorOr<NodeStatus> stat(Path const&) override;
    [[nodiscard]] ErrorOr<void> create_directory(Path const&) override;
    [[nodiscard]] ErrorOr<void> remove(Path const&) override;
    [[nodiscard]] ErrorOr<void> rename(Path const& from, Path const& to) override;
    /* The cursor is a node-table index: the page holds the directory's entries at or after it. */
    [[nodiscard]] ErrorOr<BackendPage> list(Path const& directory, u64 cursor, std::span<BackendEntry> into) override;
    [[nodiscard]] ErrorOr<u64> write(Path const&, u64 offset, std::span<u8 const> data) override;

    [[nodiscard]] ErrorOr<FileToken> open(Path const&, bool create) override;
    void close(FileToken) override { }
    [[nodiscard]] ErrorOr<usize> read(FileToken, u64 offset, std::span<u8> into) override;
    [[nodiscard]] ErrorOr<u64> write(FileToken, u64 offset, std::span<u8 const> data) override;
    /* Sets a file's size: blocks past it are freed, a larger size reads as zeros up to it; returns the size. */
    [[nodiscard]] ErrorOr<u64> truncate(FileToken, u64 size) override;
    [[nodiscard]] ErrorOr<NodeStatus> stat(FileToken) override;
    [[nodiscard]] ErrorOr<void> sync(FileToken) override;
    [[nodiscard]] ErrorOr<void> sync_all() override { return {}; }

    /* Path forms of read and truncate, for tests of the tree itself. */
    [[nodiscard]] ErrorOr<usize> read(Path const&, u64 offset, std::span<u8> buffer);
    [[nodiscard]] ErrorOr<u64> truncate(Path const&, u64 size);

    [[nodiscard]] u32 free_nodes() const;
    [[nodiscard]] u32 free_blocks() const { return m_free_block_count; }
    [[nodiscard]] u32 block_capacity() const { return m_block_capacity; }

private:
    static constexpr u32 none = 0xffffffffu;

    struct Node {
        bool used { false };
        u32 generation { 0 };
        NodeKind kind { NodeKind::File };
        u32 parent { none };
        Path::Component name;
        u64 size { 0 };
        u32 blocks[blocks_per_file] {};
    };

    RamFilesystem(Node* nodes, u32 node_capacity, u8* blocks, u32* block_links, u32 block_capacity);

    [[nodiscard]] ErrorOr<u32> lookup(Path const&) const;
    /* The file node a token names (NotFound once the file was removed). */
    [[nodiscard]] ErrorOr<u32> file_node(FileToken) const;
    [[nodiscard]] FileToken token_of(u32 node) const { return (u64(m_nodes[node].generation) << 32) | node; }
    [[nodiscard]] ErrorOr<u64> write_node(u32 node, u64 offset, std::span<u8 const> data);
    [[nodiscard]] usize read_node(u32 node, u64 offset, std::span<u8> buffer) const;
    [[nodiscard]] ErrorOr<u64> truncate_node(u32 node, u64 size);
    [[nodiscard]] u32 find_child(u32 directory, std::string_view name) const;
    [[nodiscard]] bool has_children(u32 directory) const;
    [[nodiscard]] ErrorOr<u32> find_free_node() const;
    [[nodiscard]] ErrorOr<u32> allocate_block();
    void free_block(u32);

    /* A node about to be added: every check done, nothing changed yet. */
    struct NewNode {
        u32 index { none };
        u32 parent { none };
        Path::Component name;
    };
    /* Checks that `path` can be created (parent directory exists, name free, a node left). */
    [[nodiscard]] ErrorOr<NewNode> plan_node(Path const&) const;
    /* Adds a planned node; cannot fail. */
    u32 add_node(NewNode const&, NodeKind);
    /* Blocks a write of [offset, end) would allocate in `file` (nullptr: a file not yet created). */
    [[nodiscard]] static u32 blocks_missing(Node const* file, u64 offset, u64 end);

    Node* m_nodes;
    u32 m_node_capacity;
    u8* m_blocks;
    u32* m_block_links;
    u32 m_block_capacity;
    u32 m_free_block_head { none };
    u32 m_free_block_count { 0 };
    u32 m_generation { 0 };
};

constexpr usize RamFilesystem::bytes_needed(u32 node_capacity, u32 block_capacity)
{
    /* Each table aligned to 64 bytes, in the order try_create places them. */
    auto aligned = [](usize bytes) { return (bytes + 63) & ~usize(63); };
    return aligned(sizeof(Node) * node_capacity) + aligned(block_size * block_capacity) + aligned(sizeof(u32) * block_capacity)
        + aligned(sizeof(RamFilesystem));
}

}
