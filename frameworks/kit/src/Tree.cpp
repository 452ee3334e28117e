/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/kit/Error.h>
#include <vectra/kit/Theme.h>
#include <vectra/kit/Tree.h>

namespace vectra::kit {

namespace {

bool is_container(Kind kind) { return kind == Kind::Row || kind == Kind::Column; }

LayoutParameters default_layout(Kind kind)
{
    switch (kind) {
    case Kind::Label:
        return { theme::label_padding };
    case Kind::Button:
        return { theme::button_padding };
    case Kind::TextField:
        return { theme::field_padding, 0, 0, u16(theme::minimum_field_width) };
    case Kind::List:
        return { theme::list_padding, 0, 0, u16(theme::minimum_list_width) };
    default:
        return {};
    }
}

ErrorOr<Text> text_of(std::string_view bytes)
{
    if (bytes.size() > maximum_text)
        return Error(KitError::TextTooLong, "the text is longer than a widget holds (64 bytes)");
    auto text = Text::try_from(bytes);
    if (text.is_error())
        return Error(KitError::InvalidText, "the text is not UTF-8");
    return text.release_value();
}

}

Tree::Tree(Columns columns)
    : m_columns(columns)
    , m_capacity(columns.kind.size())
{
    VERIFY(m_capacity > 0 && m_capacity <= maximum_capacity);
    VERIFY(columns.generation.size() == m_capacity && columns.parent.size() == m_capacity
        && columns.first_child.size() == m_capacity && columns.last_child.size() == m_capacity
        && columns.next_sibling.size() == m_capacity && columns.previous_sibling.size() == m_capacity
        && columns.layout.size() == m_capacity && columns.preferred.size() == m_capacity
        && columns.box.size() == m_capacity && columns.flags.size() == m_capacity && columns.text.size() == m_capacity
        && columns.name.size() == m_capacity && columns.caret.size() == m_capacity
        && columns.list.size() == m_capacity);
    for (usize index = 0; index < m_capacity; ++index)
        m_columns.kind[index] = Kind::Free;
}

ErrorOr<Index> Tree::resolve(WidgetId id) const
{
    if (id.index >= m_capacity || m_columns.kind[id.index] == Kind::Free
        || m_columns.generation[id.index] != id.generation)
        return Error(KitError::StaleWidget, "no widget has that id (removed, or never made)");
    return id.index;
}

ErrorOr<Index> Tree::resolve_kind(WidgetId id, Kind kind) const
{
    auto index = TRY(resolve(id));
    if (m_columns.kind[index] != kind)
        return Error(KitError::WrongKind, "the widget is not of the kind the operation is for");
    return index;
}

ErrorOr<WidgetId> Tree::add(WidgetId parent, Kind kind, std::string_view text)
{
    /* Decode and validate everything first: nothing changes on a refusal. */
    VERIFY(kind != Kind::Free);
    Index parent_index = no_index;
    if (parent.is_null()) {
        if (m_root != no_index)
            return Error(KitError::RootExists, "the tree has a root already");
    } else {
        parent_index = TRY(resolve(parent));
        if (!is_container(m_columns.kind[parent_index]))
            return Error(KitError::NotAContainer, "children go under rows and columns only");
    }
    auto content = TRY(text_of(text));
    Index index = no_index;
    for (usize slot = 0; slot < m_capacity; ++slot) {
        if (m_columns.kind[slot] == Kind::Free) {
            index = Index(slot);
            break;
        }
    }
    if (index == no_index)
        return Error(KitError::TreeFull, "every widget slot of the tree is in use");

    m_columns.kind[index] = kind;
    m_columns.parent[index] = parent_index;
    m_columns.first_child[index] = no_index;
    m_columns.last_child[index] = no_index;
    m_columns.next_sibling[index] = no_index;
    m_columns.previous_sibling[index] = no_index;
    m_columns.layout[index] = default_layout(kind);
    m_columns.preferred[index] = {};
    m_columns.box[index] = {};
    m_columns.flags[index] = 0;
    m_columns.text[index] = content;
    m_columns.name[index] = {};
    m_columns.caret[index] = u16(content.byte_length());
    m_columns.list[index] = {};
    if (parent_index == no_index) {
        m_root = index;
    } else {
        Index last = m_columns.last_child[parent_index];
        m_columns.previous_sibling[index] = last;
        if (last == no_index)
            m_columns.first_child[parent_index] = index;
        else
            m_columns.next_sibling[last] = index;
        m_columns.last_child[parent_index] = index;
    }
    ++m_size;
    m_needs_layout = true;
    return id_of(index);
}

void Tree::unlink(Index index)
{
    Index parent = m_columns.parent[index];
    Index previous = m_columns.previous_sibling[index];
    Index next = m_columns.next_sibling[index];
    if (parent == no_index) {
        m_root = no_index;
        return;
    }
    if (previous == no_index)
        m_columns.first_child[parent] = next;
    else
        m_columns.next_sibling[previous] = next;
    if (next == no_index)
        m_columns.last_child[parent] = previous;
    else
        m_columns.previous_sibling[next] = previous;
}

Index Tree::next_within(Index index, Index top) const
{
    if (m_columns.first_child[index] != no_index)
        return m_columns.first_child[index];
    while (index != top && m_columns.next_sibling[index] == no_index)
        index = m_columns.parent[index];
    return index == top ? no_index : m_columns.next_sibling[index];
}

ErrorOr<void> Tree::remove(WidgetId id)
{
    Index top = TRY(resolve(id));
    damage_widget(top);
    /* Focus and press inside the subtree are forgotten; the walk never leaves `top`'s subtree. */
    for (Index index = top; index != no_index; index = next_within(index, top)) {
        if (index == m_focused)
            m_focused = no_index;
        if (index == m_pressed)
            m_pressed = no_index;
    }
    unlink(top);
    /* Then the slots are freed, walking the links below `top`, which unlinking left intact. */
    Index index = top;
    while (index != no_index) {
        Index next = next_within(index, top);
        m_columns.kind[index] = Kind::Free;
        m_columns.generation[index] = u16(m_columns.generation[index] + 1);
        --m_size;
        index = next;
    }
    m_needs_layout = true;
    return {};
}

ErrorOr<void> Tree::set_text(WidgetId id, std::string_view bytes)
{
    auto index = TRY(resolve(id));
    auto content = TRY(text_of(bytes));
    m_columns.text[index] = content;
    m_columns.caret[index] = u16(content.byte_length());
    damage_widget(index);
    m_needs_layout = true;
    return {};
}

ErrorOr<void> Tree::set_name(WidgetId id, std::string_view bytes)
{
    auto index = TRY(resolve(id));
    m_columns.name[index] = TRY(text_of(bytes));
    return {};
}

ErrorOr<void> Tree::set_layout(WidgetId id, LayoutParameters const& parameters)
{
    auto index = TRY(resolve(id));
    if (parameters.padding > maximum_side / 4 || parameters.spacing > maximum_side / 4)
        return Error(KitError::OutOfBounds, "padding and spacing are at most 16384");
    m_columns.layout[index] = parameters;
    m_needs_layout = true;
    return {};
}

ErrorOr<void> Tree::set_disabled(WidgetId id, bool disabled)
{
    auto index = TRY(resolve(id));
    u8& flags = m_columns.flags[index];
    flags = disabled ? u8(flags | flag::disabled) : u8(flags & ~flag::disabled);
    if (disabled) {
        flags = u8(flags & ~flag::pressed);
        if (m_pressed == index)
            m_pressed = no_index;
        if (m_focused == index)
            set_focus(no_index);
    }
    damage_widget(index);
    return {};
}

ErrorOr<void> Tree::set_list_model(WidgetId id, ListModel const* model)
{
    auto index = TRY(resolve_kind(id, Kind::List));
    m_columns.list[index].model = model;
    clamp_list(index);
    damage_widget(index);
    return {};
}

ErrorOr<void> Tree::model_changed(WidgetId id)
{
    auto index = TRY(resolve_kind(id, Kind::List));
    clamp_list(index);
    damage_widget(index);
    return {};
}

ErrorOr<void> Tree::select_row(WidgetId id, u32 row)
{
    auto index = TRY(resolve_kind(id, Kind::List));
    (void)select(index, row);
    return {};
}

ErrorOr<void> Tree::scroll_to(WidgetId id, u32 first_row)
{
    auto index = TRY(resolve_kind(id, Kind::List));
    (void)scroll(index, first_row);
    return {};
}

ErrorOr<Kind> Tree::kind(WidgetId id) const { return m_columns.kind[TRY(resolve(id))]; }
ErrorOr<Box> Tree::box(WidgetId id) const { return m_columns.box[TRY(resolve(id))]; }
ErrorOr<Utf8View> Tree::text(WidgetId id) const { return m_columns.text[TRY(resolve(id))].view(); }
ErrorOr<u8> Tree::flags(WidgetId id) const { return m_columns.flags[TRY(resolve(id))]; }
ErrorOr<usize> Tree::caret(WidgetId id) const { return m_columns.caret[TRY(resolve_kind(id, Kind::TextField))]; }
ErrorOr<ListState> Tree::list(WidgetId id) const { return m_columns.list[TRY(resolve_kind(id, Kind::List))]; }

WidgetId Tree::parent(WidgetId id) const
{
    auto index = resolve(id);
    return index.is_error() ? WidgetId {} : id_of(m_columns.parent[index.value()]);
}

Index Tree::next_after_subtree(Index index) const
{
    while (index != no_index) {
        if (m_columns.next_sibling[index] != no_index)
            return m_columns.next_sibling[index];
        index = m_columns.parent[index];
    }
    return no_index;
}

Index Tree::next_in_order(Index index) const
{
    if (m_columns.first_child[index] != no_index)
        return m_columns.first_child[index];
    return next_after_subtree(index);
}

void Tree::damage_widget(Index index) { m_damage.add(m_columns.box[index]); }

void Tree::damage_all()
{
    if (m_root != no_index)
        m_damage.add(m_columns.box[m_root]);
}

Region Tree::take_damage()
{
    Region taken = m_damage;
    m_damage.clear();
    return taken;
}

void Tree::clamp_list(Index index)
{
    auto& list = m_columns.list[index];
    u32 rows = list.model == nullptr ? 0 : list.model->row_count();
    u32 visible = list.visible_rows == 0 ? 1 : list.visible_rows;
    u32 last_first = rows > visible ? rows - visible : 0;
    if (list.first_row > last_first)
        list.first_row = last_first;
    if (list.selected != no_row && list.selected >= rows)
        list.selected = no_row;
}

ErrorOr<i64> measure_text(GlyphSource& glyphs, Utf8View text)
{
    i64 width = 0;
    for (u32 code_point : text)
        width += TRY(glyphs.glyph(code_point)).advance;
    return width;
}

}
