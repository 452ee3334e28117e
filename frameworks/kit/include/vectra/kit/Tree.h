/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * VectraKit's retained widget tree (docs/adr/0046-vectrakit.md), stored as columns: one array per
 * attribute (kind, links, layout parameters, computed rectangle, text, state), indexed by slot.
 * The arrays are the caller's (TreeStorage<N> or its own), so the capacity is stated and a tree
 * never allocates; an add beyond it is `tree-full`. A widget is named by a WidgetId, its slot and
 * the slot's generation: once removed, every id of it is `stale-widget`, even when the slot is
 * reused. Layout, drawing, hit-testing, events and the accessibility tree are passes over these
 * arrays, walked without recursion (parent, first-child and next-sibling links).
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Utf8String.h>
#include <vectra/kit/Event.h>
#include <vectra/kit/GlyphSource.h>
#include <vectra/surface/Region.h>

namespace vectra::kit {

using Index = u16;
using surface::Box;
using surface::Region;

inline constexpr Index no_index = 0xffff;
inline constexpr usize maximum_capacity = 4096;
inline constexpr usize maximum_text = 64;
inline constexpr u32 no_row = 0xffffffff;
/* Sides and positions are bounded so that every sum in layout fits in 32 bits. */
inline constexpr i32 maximum_side = 1 << 16;

using Text = Utf8String<maximum_text>;

struct WidgetId {
    Index index { no_index };
    u16 generation { 0 };

    [[nodiscard]] constexpr bool is_null() const { return index == no_index; }
    [[nodiscard]] constexpr u32 value() const { return (u32(generation) << 16) | index; }
    [[nodiscard]] constexpr bool operator==(WidgetId const&) const = default;
};

enum class Kind : u8 {
    Free,
    Column,
    Row,
    Label,
    Button,
    TextField,
    List,
};

/* Where a child sits across its container's axis. */
enum class Align : u8 {
    Start,
    Center,
    End,
    Fill,
};

struct LayoutParameters {
    u16 padding { 0 }; /* inside the widget's edge, every side */
    u16 spacing { 0 }; /* between a container's children */
    u16 stretch { 0 }; /* share of the container's spare length along its axis (0: none) */
    u16 minimum_width { 0 };
    u16 minimum_height { 0 };
    Align align { Align::Start };
};

/* The rows a list shows: the application's model, read when drawn. */
class ListModel {
public:
    virtual ~ListModel() = default;
    [[nodiscard]] virtual u32 row_count() const = 0;
    [[nodiscard]] virtual Utf8View row_text(u32 row) const = 0;
};

struct ListState {
    ListModel const* model { nullptr };
    u32 first_row { 0 }; /* scroll offset: the first row shown */
    u32 selected { no_row };
    u16 row_height { 0 }; /* set by layout */
    u16 visible_rows { 0 }; /* set by layout */
};

struct Size {
    i32 width { 0 };
    i32 height { 0 };
    [[nodiscard]] constexpr bool operator==(Size const&) const = default;
};

namespace flag {
constexpr u8 focused = 1;
constexpr u8 pressed = 2;
constexpr u8 disabled = 4;
}

/* The columns: every span holds `capacity` entries. */
struct Columns {
    std::span<Kind> kind;
    std::span<u16> generation;
    std::span<Index> parent;
    std::span<Index> first_child;
    std::span<Index> last_child;
    std::span<Index> next_sibling;
    std::span<Index> previous_sibling;
    std::span<LayoutParameters> layout;
    std::span<Size> preferred;
    std::span<Box> box;
    std::span<u8> flags;
    std::span<Text> text;
    std::span<Text> name;
    std::span<u16> caret; /* a text field's caret, a byte offset on a code point boundary */
    std::span<ListState> list;
};

/* Caller memory for a tree of up to Capacity widgets. */
template<usize Capacity>
class TreeStorage {
    static_assert(Capacity > 0 && Capacity <= maximum_capacity);

public:
    [[nodiscard]] Columns columns()
    {
        return { m_kind, m_generation, m_parent, m_first_child, m_last_child, m_next_sibling, m_previous_sibling,
            m_layout, m_preferred, m_box, m_flags, m_text, m_name, m_caret, m_list };
    }

private:
    Kind m_kind[Capacity] {};
    u16 m_generation[Capacity] {};
    Index m_parent[Capacity] {};
    Index m_first_child[Capacity] {};
    Index m_last_child[Capacity] {};
    Index m_next_sibling[Capacity] {};
    Index m_previous_sibling[Capacity] {};
    LayoutParameters m_layout[Capacity] {};
    Size m_preferred[Capacity] {};
    Box m_box[Capacity] {};
    u8 m_flags[Capacity] {};
    Text m_text[Capacity] {};
    Text m_name[Capacity] {};
    u16 m_caret[Capacity] {};
    ListState m_list[Capacity] {};
};

struct Message {
    MessageKind kind { MessageKind::None };
    WidgetId widget;
    u32 row { 0 };
};

class Canvas;

class Tree {
public:
    /* The columns must all hold the same number of entries, at most maximum_capacity. */
    explicit Tree(Columns);
    Tree(Tree const&) = delete;
    Tree& operator=(Tree const&) = delete;

    [[nodiscard]] usize capacity() const { return m_capacity; }
    [[nodiscard]] usize size() const { return m_size; }
    [[nodiscard]] WidgetId root() const { return id_of(m_root); }

    /* Structure. A null parent makes the root (one per tree); children go under rows and columns, last. */
    [[nodiscard]] ErrorOr<WidgetId> add(WidgetId parent, Kind, std::string_view text = {});
    /* Removes the widget and everything under it; their ids go stale. */
    [[nodiscard]] ErrorOr<void> remove(WidgetId);

    /* Attributes. */
    [[nodiscard]] ErrorOr<void> set_text(WidgetId, std::string_view);
    [[nodiscard]] ErrorOr<void> set_name(WidgetId, std::string_view);
    [[nodiscard]] ErrorOr<void> set_layout(WidgetId, LayoutParameters const&);
    [[nodiscard]] ErrorOr<void> set_disabled(WidgetId, bool disabled);
    [[nodiscard]] ErrorOr<void> set_list_model(WidgetId, ListModel const*);
    /* The model's rows changed: the scroll offset and selection are held inside them again, the list redrawn. */
    [[nodiscard]] ErrorOr<void> model_changed(WidgetId);
    [[nodiscard]] ErrorOr<void> select_row(WidgetId, u32 row);
    [[nodiscard]] ErrorOr<void> scroll_to(WidgetId, u32 first_row);

    [[nodiscard]] ErrorOr<Kind> kind(WidgetId) const;
    [[nodiscard]] ErrorOr<Box> box(WidgetId) const;
    [[nodiscard]] ErrorOr<Utf8View> text(WidgetId) const;
    [[nodiscard]] ErrorOr<u8> flags(WidgetId) const;
    [[nodiscard]] ErrorOr<usize> caret(WidgetId) const;
    [[nodiscard]] ErrorOr<ListState> list(WidgetId) const;
    [[nodiscard]] WidgetId focused() const { return id_of(m_focused); }
    [[nodiscard]] WidgetId parent(WidgetId) const;
    [[nodiscard]] bool needs_layout() const { return m_needs_layout; }

    /* Lays the tree out in `bounds` (root at its size). Boxes that moved or resized are damaged, old and new. */
    [[nodiscard]] ErrorOr<void> layout(GlyphSource&, Box bounds);

    /* The deepest widget whose box holds (x, y), or null. */
    [[nodiscard]] WidgetId hit(i32 x, i32 y) const;
    /* The list row at (x, y) inside list `list`, or no_row. */
    [[nodiscard]] u32 row_at(WidgetId list, i32 x, i32 y) const;

    /* Applies one event; answers what it meant to the application (MessageKind::None: nothing). */
    [[nodiscard]] ErrorOr<Message> dispatch(Event const&);
    [[nodiscard]] ErrorOr<void> focus(WidgetId);

    /* The rectangles whose drawing changed since the last take. */
    [[nodiscard]] Region const& damage() const { return m_damage; }
    [[nodiscard]] Region take_damage();
    void damage_all();

    /* Draws what lies in `clip` (the whole tree: the root's box). */
    [[nodiscard]] ErrorOr<void> draw(Canvas&, GlyphSource&, Region const& clip) const;

    /* Low-level access for the passes (Layout, Draw, Accessibility): valid slots only. */
    [[nodiscard]] Columns const& columns() const { return m_columns; }
    [[nodiscard]] Index root_index() const { return m_root; }
    [[nodiscard]] WidgetId id_of(Index index) const
    {
        return index == no_index ? WidgetId {} : WidgetId { index, m_columns.generation[index] };
    }
    [[nodiscard]] ErrorOr<Index> resolve(WidgetId) const;
    /* Pre-order successor of `index` within the tree (no_index at the end). */
    [[nodiscard]] Index next_in_order(Index index) const;
    /* Pre-order successor skipping `index`'s children. */
    [[nodiscard]] Index next_after_subtree(Index index) const;
    /* Where list `index` shows `row` (an empty box when the row is not shown). */
    [[nodiscard]] Box row_box(Index index, u32 row) const;
    /* Pre-order successor of `index` inside the subtree of `top` (no_index past its end). */
    [[nodiscard]] Index next_within(Index index, Index top) const;

private:
    [[nodiscard]] ErrorOr<Index> resolve_kind(WidgetId, Kind) const;
    [[nodiscard]] bool focusable(Index) const;
    void damage_widget(Index);
    void unlink(Index);
    /* Lets go of the pressed button (damaged); answers which it was, or no_index. */
    Index release_press();
    void set_focus(Index);
    void clamp_list(Index);
    [[nodiscard]] ErrorOr<Message> key(Event const&);
    [[nodiscard]] ErrorOr<Message> text_field_key(Index, Key);
    [[nodiscard]] ErrorOr<Message> list_key(Index, Key);
    [[nodiscard]] ErrorOr<Message> type_text(Index, u32 code_point);
    [[nodiscard]] Message move_focus(bool backwards);
    [[nodiscard]] Message select(Index, u32 row);
    [[nodiscard]] Message scroll(Index, i64 first_row);
    [[nodiscard]] ErrorOr<Size> measure(Index, GlyphSource&) const;
    void arrange(Index);

    Columns m_columns;
    usize m_capacity { 0 };
    usize m_size { 0 };
    Index m_root { no_index };
    Index m_focused { no_index };
    Index m_pressed { no_index };
    bool m_needs_layout { true };
    Region m_damage;
};

/* Text width in 1/64 pixels, through the glyph source. */
[[nodiscard]] ErrorOr<i64> measure_text(GlyphSource&, Utf8View);

}
