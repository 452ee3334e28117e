/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio GPU device's 2D commands over its control queue (vectra/virtio/Gpu.h).
 */

#include <cstring>
#include <vectra/Try.h>
#include <vectra/virtio/Gpu.h>

namespace vectra::virtio::gpu {

namespace {

u32 read_word(u8 const volatile* bytes)
{
    return u32(bytes[0]) | u32(bytes[1]) << 8 | u32(bytes[2]) << 16 | u32(bytes[3]) << 24;
}

template<typename Command>
Command* command_at(u8* memory)
{
    auto* command = reinterpret_cast<Command*>(memory);
    std::memset(command, 0, sizeof(Command));
    return command;
}

}

char const* response_error_name(u16 code)
{
    switch (static_cast<ResponseError>(code)) {
    case ResponseError::Unspecified:
        return "unspecified";
    case ResponseError::OutOfMemory:
        return "out-of-memory";
    case ResponseError::InvalidScanoutId:
        return "invalid-scanout-id";
    case ResponseError::InvalidResourceId:
        return "invalid-resource-id";
    case ResponseError::InvalidContextId:
        return "invalid-context-id";
    case ResponseError::InvalidParameter:
        return "invalid-parameter";
    }
    return "unknown";
}

ErrorOr<Configuration> Configuration::read(u8 const volatile* device_configuration, usize length)
{
    if (length < 16)
        return Error(ErrorCode::MalformedMessage, "the device configuration is smaller than virtio-gpu's");
    Configuration configuration;
    configuration.events_read = read_word(device_configuration);
    configuration.scanouts = read_word(device_configuration + 8);
    if (configuration.scanouts == 0 || configuration.scanouts > maximum_scanouts)
        return Error(ErrorCode::MalformedMessage, "the device has no scanout, or more than virtio allows");
    return configuration;
}

void Configuration::clear_events(u8 volatile* device_configuration, u32 events)
{
    for (usize index = 0; index < 4; ++index)
        device_configuration[4 + index] = static_cast<u8>(events >> (8 * index));
}

ErrorOr<usize> scatter_list(std::span<u64 const> pages, u32 page_size, std::span<MemoryEntry> into)
{
    usize count = 0;
    for (u64 page : pages) {
        if (count > 0 && into[count - 1].address + into[count - 1].length == page
            && into[count - 1].length <= 0xffffffffu - page_size) {
            into[count - 1].length += page_size;
            continue;
        }
        if (count == into.size())
            return Error(ErrorCode::Full, "the backing needs more scatter entries than there is room for");
        into[count++] = MemoryEntry { page, page_size, 0 };
    }
    return count;
}

ErrorOr<ControlQueue> ControlQueue::create(SplitQueue& queue, std::span<u8> memory, u64 device_address, u32 scanouts)
{
    if (memory.size() < memory_size || reinterpret_cast<uptr>(memory.data()) % 8 != 0)
        return Error(ErrorCode::InvalidArgument, "the command memory is too small or misaligned");
    if (scanouts == 0 || scanouts > maximum_scanouts)
        return Error(ErrorCode::InvalidArgument, "a device has 1 to 16 scanouts");
    if (queue.free_descriptors() < 2)
        return Error(ErrorCode::InvalidArgument, "the control queue cannot hold a command and its response");
    ControlQueue control;
    control.m_queue = &queue;
    control.m_memory = memory.data();
    control.m_device_address = device_address;
    control.m_scanouts = scanouts;
    return control;
}

bool ControlQueue::live(u32 resource) const
{
    for (auto const& each : m_resources) {
        if (each.state == State::Live && each.id == resource)
            return true;
    }
    return false;
}

ErrorOr<ControlQueue::Resource*> ControlQueue::find_live(u32 resource)
{
    for (auto& each : m_resources) {
        if (each.state == State::Live && each.id == resource)
            return &each;
    }
    return Error(ErrorCode::NotFound, "no such resource on the device");
}

ErrorOr<void> ControlQueue::submit(CommandType type, usize request_bytes, u32 resource)
{
    auto* header = reinterpret_cast<ControlHeader*>(request());
    header->type = static_cast<u32>(type);
    Segment segments[2] {
        { m_device_address, static_cast<u32>(request_bytes), false },
        { m_device_address + response_offset, static_cast<u32>(memory_size - response_offset), true },
    };
    std::memset(m_memory + response_offset, 0, memory_size - response_offset);
    TRY(m_queue->submit(segments, ++m_token));
    m_in_flight = true;
    m_command = type;
    m_command_resource = resource;
    return {};
}

ErrorOr<void> ControlQueue::get_display_info()
{
    if (m_in_flight)
        return Error(ErrorCode::Busy, "a command is in flight");
    command_at<ControlHeader>(request());
    return submit(CommandType::GetDisplayInfo, sizeof(ControlHeader), 0);
}

ErrorOr<void> ControlQueue::create_resource(u32 resource, Format format, u32 width, u32 height)
{
    if (m_in_flight)
        return Error(ErrorCode::Busy, "a command is in flight");
    if (resource == 0)
        return Error(ErrorCode::InvalidArgument, "resource id 0 names no resource");
    if (width == 0 || height == 0 || width > maximum_dimension || height > maximum_dimension)
        return Error(ErrorCode::InvalidArgument, "a resource side is 0 or too long");
    Resource* slot = nullptr;
    for (auto& each : m_resources) {
        if (each.state != State::Free && each.id == resource)
            return Error(ErrorCode::InvalidArgument, "the resource id is in use");
        if (each.state == State::Free && !slot)
            slot = &each;
    }
    if (!slot)
        return Error(ErrorCode::Full, "every resource slot is in use");
    auto* command = command_at<ResourceCreate2D>(request());
    command->resource_id = resource;
    command->format = static_cast<u32>(format);
    command->width = width;
    command->height = height;
    TRY(submit(CommandType::ResourceCreate2D, sizeof(ResourceCreate2D), resource));
    *slot = Resource { resource, width, height, 0, State::Creating };
    return {};
}

ErrorOr<void> ControlQueue::attach_backing(u32 resource, std::span<MemoryEntry const> entries)
{
    if (m_in_flight)
        return Error(ErrorCode::Busy, "a command is in flight");
    auto* target = TRY(find_live(resource));
    if (entries.empty() || entries.size() > maximum_backing_entries)
        return Error(ErrorCode::InvalidArgument, "a backing of no entries, or more than a command holds");
    u64 total = 0;
    for (auto const& entry : entries) {
        if (entry.length == 0)
            return Error(ErrorCode::InvalidArgument, "an empty backing entry");
        total += entry.length;
    }
    if (total < u64(target->width) * target->height * bytes_per_pixel)
        return Error(ErrorCode::InvalidArgument, "the backing is smaller than the resource");
    auto* command = command_at<AttachBacking>(request());
    command->resource_id = resource;
    command->entry_count = static_cast<u32>(entries.size());
    auto* list = reinterpret_cast<MemoryEntry*>(request() + sizeof(AttachBacking));
    for (usize index = 0; index < entries.size(); ++index)
        list[index] = MemoryEntry { entries[index].address, entries[index].length, 0 };
    TRY(submit(CommandType::ResourceAttachBacking, sizeof(AttachBacking) + entries.size_bytes(), resource));
    m_pending_backing = total;
    return {};
}

ErrorOr<void> ControlQueue::set_scanout(u32 scanout, u32 resource, Rectangle const& rectangle)
{
    if (m_in_flight)
        return Error(ErrorCode::Busy, "a command is in flight");
    if (scanout >= m_scanouts)
        return Error(ErrorCode::InvalidArgument, "no such scanout");
    /* Resource 0 turns the scanout off; any other must exist and hold the rectangle. */
    if (resource != 0) {
        auto* target = TRY(find_live(resource));
        if (!rectangle_within(rectangle, target->width, target->height))
            return Error(ErrorCode::InvalidArgument, "the scanout rectangle is empty or outside the resource");
    }
    auto* command = command_at<SetScanout>(request());
    command->rectangle = resource != 0 ? rectangle : Rectangle {};
    command->scanout_id = scanout;
    command->resource_id = resource;
    return submit(CommandType::SetScanout, sizeof(SetScanout), resource);
}

ErrorOr<void> ControlQueue::transfer_to_host(u32 resource, Rectangle const& rectangle)
{
    if (m_in_flight)
        return Error(ErrorCode::Busy, "a command is in flight");
    auto* target = TRY(find_live(resource));
    if (!rectangle_within(rectangle, target->width, target->height))
        return Error(ErrorCode::InvalidArgument, "the transfer rectangle is empty or outside the resource");
    u64 stride = u64(target->width) * bytes_per_pixel;
    u64 offset = u64(rectangle.y) * stride + u64(rectangle.x) * bytes_per_pixel;
    u64 end = offset + u64(rectangle.height - 1) * stride + u64(rectangle.width) * bytes_per_pixel;
    if (end > target->backing_bytes)
        return Error(ErrorCode::InvalidArgument, "the transfer reaches past the resource's backing");
    auto* command = command_at<TransferToHost2D>(request());
    command->rectangle = rectangle;
    command->offset = offset;
    command->resource_id = resource;
    return submit(CommandType::TransferToHost2D, sizeof(TransferToHost2D), resource);
}

ErrorOr<void> ControlQueue::flush(u32 resource, Rectangle const& rectangle)
{
    if (m_in_flight)
        return Error(ErrorCode::Busy, "a command is in flight");
    auto* target = TRY(find_live(resource));
    if (!rectangle_within(rectangle, target->width, target->height))
        return Error(ErrorCode::InvalidArgument, "the flush rectangle is empty or outside the resource");
    auto* command = command_at<ResourceFlush>(request());
    command->rectangle = rectangle;
    command->resource_id = resource;
    return submit(CommandType::ResourceFlush, sizeof(ResourceFlush), resource);
}

ErrorOr<void> ControlQueue::unref(u32 resource)
{
    if (m_in_flight)
        return Error(ErrorCode::Busy, "a command is in flight");
    TRY(find_live(resource));
    auto* command = command_at<ResourceOnly>(request());
    command->resource_id = resource;
    return submit(CommandType::ResourceUnref, sizeof(ResourceOnly), resource);
}

void ControlQueue::finished(bool succeeded)
{
    m_in_flight = false;
    for (auto& each : m_resources) {
        if (each.state == State::Free || each.id != m_command_resource)
            continue;
        if (m_command == CommandType::ResourceCreate2D)
            each.state = succeeded ? State::Live : State::Free;
        else if (m_command == CommandType::ResourceUnref && succeeded)
            each.state = State::Free;
        else if (m_command == CommandType::ResourceAttachBacking && succeeded)
            each.backing_bytes = m_pending_backing;
    }
}

ErrorOr<Answer> ControlQueue::take_answer()
{
    if (!m_in_flight)
        return Error(ErrorCode::NotFound, "no command is in flight");
    auto used = m_queue->take_used();
    if (used.is_error()) {
        /* NotFound: not answered yet, still in flight. A broken queue ends the command. */
        if (used.error().code() != ErrorCode::NotFound)
            finished(false);
        return used.release_error();
    }
    if (used.value().token != m_token) {
        finished(false);
        return Error(ErrorCode::MalformedMessage, "the device answered a request the driver did not make");
    }
    u8 const* response = m_memory + response_offset;
    if (used.value().written < sizeof(ControlHeader)) {
        finished(false);
        return Error(ErrorCode::MalformedMessage, "the device's answer is shorter than a header");
    }
    u32 type = read_word(response);
    if (type >= u32(ResponseType::ErrUnspecified) && type <= u32(ResponseType::ErrInvalidParameter)) {
        finished(false);
        return Error(response_error_domain, static_cast<u16>(type - u32(ResponseType::ErrUnspecified) + 1),
            "the device refused the command");
    }
    bool wants_display_info = m_command == CommandType::GetDisplayInfo;
    u32 expected = u32(wants_display_info ? ResponseType::OkDisplayInfo : ResponseType::OkNoData);
    if (type != expected) {
        finished(false);
        return Error(ErrorCode::MalformedMessage, "the device answered with a type the command cannot have");
    }
    Answer answer;
    answer.command = m_command;
    if (wants_display_info) {
        if (used.value().written < sizeof(DisplayInfoResponse)) {
            finished(false);
            return Error(ErrorCode::MalformedMessage, "the display information is shorter than its structure");
        }
        DisplayInfoResponse info;
        std::memcpy(&info, response, sizeof(info));
        for (u32 index = 0; index < maximum_scanouts; ++index) {
            auto const& mode = info.modes[index];
            bool enabled = index < m_scanouts && mode.enabled != 0;
            if (enabled && (mode.rectangle.width == 0 || mode.rectangle.height == 0
                    || mode.rectangle.width > maximum_dimension || mode.rectangle.height > maximum_dimension)) {
                finished(false);
                return Error(ErrorCode::MalformedMessage, "an enabled scanout of no size, or a side too long");
            }
            answer.display_info.modes[index] = Mode { enabled ? mode.rectangle : Rectangle {}, enabled };
        }
    }
    finished(true);
    return answer;
}

}
