/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Try.h>
#include <vfsd/RamFilesystem.h>

namespace vectra::vfs {

ErrorOr<RamFilesystem*> RamFilesystem::try_create(std::span<u8> memory, u32 node_capacity, u32 block_capacity)
{
    if (node_capacity < 1 || block_capacity < 1)
        return Error(ErrorCode::InvalidArgument, "a filesystem needs at least one node and one block");
    if (memory.size() < bytes_needed(node_capacity, block_capacity) || reinterpret_cast<uptr>(memory.data()) % 64 != 0)
        return Error(ErrorCode::OutOfMemory, "the filesystem's memory is smaller than its tables");
    usize used = 0;
    auto place = [&](usize bytes) {
        u8* start = memory.data() + used;
        used += (bytes + 63) & ~usize(63);
        return start;
    };
    auto* node_array = reinterpret_cast<Node*>(place(sizeof(Node) * node_capacity));
    u8* blocks = place(block_size * block_capacity);
    auto* links = reinterpret_cast<u32*>(place(sizeof(u32) * block_capacity));
    for (u32 index = 0; index < node_capacity; ++index)
        new (&node_array[index]) Node();
    return new (place(sizeof(RamFilesystem))) RamFilesystem(node_array, node_capacity, blocks, links, block_capacity);
}

RamFilesystem::RamFilesystem(Node* nodes, u32 node_capacity, u8* blocks, u32* block_links, u32 block_capacity)
    : m_nodes(nodes)
    , m_node_capacity(node_capacity)
    , m_blocks(blocks)
    , m_block_links(block_links)
    , m_block_capacity(block_capacity)
{
    for (u32 index = block_capacity; index > 0; --index) {
        m_block_links[index - 1] = m_free_block_head;
        m_free_block_head = index - 1;
    }
    m_free_block_count = block_capacity;
    /* Node 0 is the root directory. */
    m_nodes[0].used = true;
    m_nodes[0].kind = NodeKind::Directory;
    m_nodes[0].parent = none;
}

u32 RamFilesystem::free_nodes() const
{
    u32 count = 0;
    for (u32 index = 0; index < m_node_capacity; ++index)
        count += m_nodes[index].used ? 0 : 1;
    return count;
}

u32 RamFilesystem::find_child(u32 directory, std::string_view name) const
{
    for (u32 index = 1; index < m_node_capacity; ++index) {
        if (m_nodes[index].used && m_nodes[index].parent == directory && m_nodes[index].name == name)
            return index;
    }
    return none;
}

bool RamFilesystem::has_children(u32 directory) const
{
    for (u32 index = 1; index < m_node_capacity; ++index) {
        if (m_nodes[index].used && m_nodes[index].parent == directory)
            return true;
    }
    return false;
}

ErrorOr<u32> RamFilesystem::lookup(Path const& path) const
{
    u32 node = 0;
    for (usize index = 0; index < path.component_count(); ++index) {
        if (m_nodes[node].kind != NodeKind::Directory)
            return Error(VfsError::NotADirectory, "a path component names a file, not a directory");
        node = find_child(node, path.component(index));
        if (node == none)
            return Error(ErrorCode::NotFound, "no such file or directory");
    }
    return node;
}

ErrorOr<u32> RamFilesystem::find_free_node() const
{
    for (u32 index = 1; index < m_node_capacity; ++index) {
        if (!m_nodes[index].used)
            return index;
    }
    return Error(VfsError::NoSpace, "the filesystem's node table is full");
}

ErrorOr<u32> RamFilesystem::allocate_block()
{
    if (m_free_block_head == none)
        return Error(VfsError::NoSpace, "the filesystem has no free blocks");
    u32 block = m_free_block_head;
    m_free_block_head = m_block_links[block];
    --m_free_block_count;
    memset(m_blocks + usize(block) * block_size, 0, block_size);
    return block;
}

void RamFilesystem::free_block(u32 block)
{
    m_block_links[block] = m_free_block_head;
    m_free_block_head = block;
    ++m_free_block_count;
}

ErrorOr<RamFilesystem::NewNode> RamFilesystem::plan_node(Path const& path) const
{
    if (path.is_root())
        return Error(ErrorCode::AlreadyExists, "the root directory always exists");
    u32 parent = TRY(lookup(TRY(path.parent())));
    if (m_nodes[parent].kind != NodeKind::Directory)
        return Error(VfsError::NotADirectory, "the parent is a file");
    if (find_child(parent, path.last()) != none)
        return Error(ErrorCode::AlreadyExists, "a file or directory of that name exists");
    NewNode plan;
    plan.index = TRY(find_free_node());
    plan.parent = parent;
    plan.name = TRY(Path::Component::try_from(path.last()));
    return plan;
}

u32 RamFilesystem::add_node(NewNode const& plan, NodeKind kind)
{
    Node& entry = m_nodes[plan.index];
    entry = Node();
    entry.used = true;
    entry.generation = ++m_generation == 0 ? ++m_generation : m_generation; /* 0 never names a live node */
    entry.kind = kind;
    entry.parent = plan.parent;
    entry.name = plan.name;
    for (auto& block : entry.blocks)
        block = none;
    return plan.index;
}

ErrorOr<void> RamFilesystem::create_directory(Path const& path)
{
    (void)add_node(TRY(plan_node(path)), NodeKind::Directory);
    return {};
}

u32 RamFilesystem::blocks_missing(Node const* file, u64 offset, u64 end)
{
    if (end <= offset)
        return 0; /* an empty write allocates nothing, wherever it lands */
    u32 missing = 0;
    for (u64 block = offset / block_size; block <= (end - 1) / block_size; ++block)
        missing += file == nullptr || file->blocks[block] == none ? 1 : 0;
    return missing;
}

ErrorOr<u64> RamFilesystem::write(Path const& path, u64 offset, std::span<u8 const> data)
{
    /*
     * Every check comes before the first change, so a refused write leaves the tree as it was:
     * in particular a refused write to a missing path does not create it.
     */
    auto existing = lookup(path);
    if (!existing.is_error()) {
        if (m_nodes[existing.value()].kind != NodeKind::File)
            return Error(VfsError::IsADirectory, "cannot write to a directory");
        return write_node(existing.value(), offset, data);
    }
    if (existing.error().code() != ErrorCode::NotFound)
        return existing.release_error();
    NewNode plan = TRY(plan_node(path));
    u64 end = offset + data.size();
    if (end < offset || end > u64(blocks_per_file) * block_size)
        return Error(ErrorCode::TooLarge, "write would exceed the largest file size");
    if (blocks_missing(nullptr, offset, end) > m_free_block_count)
        return Error(VfsError::NoSpace, "the filesystem has no free blocks");
    return write_node(add_node(plan, NodeKind::File), offset, data);
}

ErrorOr<u64> RamFilesystem::write_node(u32 node, u64 offset, std::span<u8 const> data)
{
    Node& file = m_nodes[node];
    u64 end = offset + data.size();
    if (end < offset || end > u64(blocks_per_file) * block_size)
        return Error(ErrorCode::TooLarge, "write would exceed the largest file size");
    if (blocks_missing(&file, offset, end) > m_free_block_count)
        return Error(VfsError::NoSpace, "the filesystem has no free blocks");
    usize written = 0;
    while (written < data.size()) {
        u64 position = offset + written;
        u64 block_index = position / block_size;
        if (file.blocks[block_index] == none)
            file.blocks[block_index] = MUST(allocate_block());
        usize within = static_cast<usize>(position % block_size);
        usize count = block_size - within;
        if (count > data.size() - written)
            count = data.size() - written;
        memcpy(m_blocks + usize(file.blocks[block_index]) * block_size + within, data.data() + written, count);
        written += count;
    }
    if (end > file.size)
        file.size = end;
    return file.size;
}

ErrorOr<usize> RamFilesystem::read(Path const& path, u64 offset, std::span<u8> buffer)
{
    u32 node = TRY(lookup(path));
    if (m_nodes[node].kind != NodeKind::File)
        return Error(VfsError::IsADirectory, "cannot read a directory");
    return read_node(node, offset, buffer);
}

usize RamFilesystem::read_node(u32 node, u64 offset, std::span<u8> buffer) const
{
    Node const& file = m_nodes[node];
    if (offset >= file.size)
        return 0;
    usize count = buffer.size();
    if (count > file.size - offset)
        count = static_cast<usize>(file.size - offset);
    for (usize done = 0; done < count;) {
        u64 position = offset + done;
        u32 block = file.blocks[position / block_size];
        usize within = static_cast<usize>(position % block_size);
        usize chunk = block_size - within;
        if (chunk > count - done)
            chunk = count - done;
        if (block == none)
            memset(buffer.data() + done, 0, chunk); /* a hole reads as zeros */
        else
            memcpy(buffer.data() + done, m_blocks + usize(block) * block_size + within, chunk);
        done += chunk;
    }
    return count;
}

ErrorOr<u64> RamFilesystem::truncate(Path const& path, u64 size)
{
    u32 node = TRY(lookup(path));
    if (m_nodes[node].kind != NodeKind::File)
        return Error(VfsError::IsADirectory, "cannot truncate a directory");
    return truncate_node(node, size);
}

ErrorOr<u64> RamFilesystem::truncate_node(u32 node, u64 size)
{
    Node& file = m_nodes[node];
    if (size > u64(blocks_per_file) * block_size)
        return Error(ErrorCode::TooLarge, "the size exceeds the largest file size");
    if (size < file.size) {
        /* Blocks wholly past the new end are freed; the kept block's tail is zeroed, so growing again reads zeros. */
        u64 first_dropped = (size + block_size - 1) / block_size;
        for (u64 block = first_dropped; block < blocks_per_file; ++block) {
            if (file.blocks[block] != none) {
                free_block(file.blocks[block]);
                file.blocks[block] = none;
            }
        }
        usize within = static_cast<usize>(size % block_size);
        u32 kept = within == 0 ? none : file.blocks[size / block_size];
        if (kept != none)
            memset(m_blocks + usize(kept) * block_size + within, 0, block_size - within);
    }
    file.size = size;
    return size;
}

ErrorOr<NodeStatus> RamFilesystem::stat(Path const& path)
{
    u32 node = TRY(lookup(path));
    /* No wall clock in vfsd yet: times are unknown (time 0, confidence 0). */
    return NodeStatus { m_nodes[node].kind, m_nodes[node].size };
}

ErrorOr<void> RamFilesystem::remove(Path const& path)
{
    if (path.is_root())
        return Error(ErrorCode::InvalidArgument, "the root directory cannot be removed");
    u32 node = TRY(lookup(path));
    Node& entry = m_nodes[node];
    if (entry.kind == NodeKind::Directory && has_children(node))
        return Error(VfsError::NotEmpty, "directory is not empty");
    for (auto block : entry.blocks) {
        if (block != none)
            free_block(block);
    }
    entry = Node();
    return {};
}

ErrorOr<void> RamFilesystem::rename(Path const& from, Path const& to)
{
    if (from.is_root())
        return Error(ErrorCode::InvalidArgument, "the root directory cannot be renamed");
    u32 node = TRY(lookup(from));
    /* plan_node checks the target's parent is a directory and the name is free (the root always exists). */
    NewNode plan = TRY(plan_node(to));
    if (m_nodes[node].kind == NodeKind::Directory) {
        for (u32 ancestor = plan.parent; ancestor != none; ancestor = m_nodes[ancestor].parent) {
            if (ancestor == node)
                return Error(ErrorCode::InvalidArgument, "a directory cannot move into its own subtree");
        }
    }
    m_nodes[node].parent = plan.parent;
    m_nodes[node].name = plan.name;
    return {};
}

ErrorOr<BackendPage> RamFilesystem::list(Path const& path, u64 cursor, std::span<BackendEntry> into)
{
    u32 directory = TRY(lookup(path));
    if (m_nodes[directory].kind != NodeKind::Directory)
        return Error(VfsError::NotADirectory, "list needs a directory");
    BackendPage page;
    page.next_cursor = m_node_capacity;
    /* Node 0 is the root, never an entry; a cursor past the table lists nothing. */
    for (u64 node = cursor < 1 ? 1 : cursor; node < m_node_capacity; ++node) {
        Node const& entry = m_nodes[node];
        if (!entry.used || entry.parent != directory)
            continue;
        if (page.count == into.size()) {
            page.more = true;
            page.next_cursor = node;
            break;
        }
        into[page.count++] = BackendEntry { entry.kind, entry.name };
    }
    return page;
}

ErrorOr<FileToken> RamFilesystem::open(Path const& path, bool create)
{
    auto existing = lookup(path);
    if (existing.is_error()) {
        if (!existing.error().is(ErrorCode::NotFound) || !create)
            return existing.release_error();
        TRY(write(path, 0, {}));
        existing = MUST(lookup(path));
    }
    if (m_nodes[existing.value()].kind != NodeKind::File)
        return Error(VfsError::IsADirectory, "cannot open a directory as a file");
    return token_of(existing.value());
}

ErrorOr<u32> RamFilesystem::file_node(FileToken token) const
{
    u64 node = token & 0xffffffffu;
    u32 generation = static_cast<u32>(token >> 32);
    if (node >= m_node_capacity || !m_nodes[node].used || generation == 0 || m_nodes[node].generation != generation
        || m_nodes[node].kind != NodeKind::File)
        return Error(ErrorCode::NotFound, "the open file was removed");
    return static_cast<u32>(node);
}

ErrorOr<usize> RamFilesystem::read(FileToken token, u64 offset, std::span<u8> into)
{
    return read_node(TRY(file_node(token)), offset, into);
}

ErrorOr<u64> RamFilesystem::write(FileToken token, u64 offset, std::span<u8 const> data)
{
    return write_node(TRY(file_node(token)), offset, data);
}

ErrorOr<u64> RamFilesystem::truncate(FileToken token, u64 size)
{
    return truncate_node(TRY(file_node(token)), size);
}

ErrorOr<NodeStatus> RamFilesystem::stat(FileToken token)
{
    u32 node = TRY(file_node(token));
    return NodeStatus { m_nodes[node].kind, m_nodes[node].size };
}

ErrorOr<void> RamFilesystem::sync(FileToken token)
{
    TRY(file_node(token)); /* nothing to make durable, but a stale token is still an error */
    return {};
}

}
