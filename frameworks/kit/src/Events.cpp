/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hit-testing and events over the same boxes drawing uses: a press focuses what it lands on and
 * presses a button (activated when released inside it) or selects a list row; Tab and Shift+Tab
 * move focus in tree order over the enabled buttons, text fields and lists; keys go to the focused
 * widget. Every change damages the boxes it redraws.
 */

#include <vectra/Try.h>
#include <vectra/Utf8.h>
#include <vectra/kit/Error.h>
#include <vectra/kit/Tree.h>

namespace vectra::kit {

namespace {

bool holds(Box const& box, i32 x, i32 y) { return x >= box.left && x < box.right && y >= box.top && y < box.bottom; }

}

WidgetId Tree::hit(i32 x, i32 y) const
{
    if (m_root == no_index || !holds(m_columns.box[m_root], x, y))
        return {};
    Index found = m_root;
    bool descended = true;
    while (descended) {
        descended = false;
        for (Index child = m_columns.first_child[found]; child != no_index; child = m_columns.next_sibling[child]) {
            if (holds(m_columns.box[child], x, y)) {
                found = child;
                descended = true;
                break;
            }
        }
    }
    return id_of(found);
}

u32 Tree::row_at(WidgetId id, i32 x, i32 y) const
{
    auto resolved = resolve_kind(id, Kind::List);
    if (resolved.is_error())
        return no_row;
    Index index = resolved.value();
    auto const& list = m_columns.list[index];
    Box const& box = m_columns.box[index];
    i32 padding = m_columns.layout[index].padding;
    if (!holds(box, x, y) || list.model == nullptr || list.row_height == 0 || y < box.top + padding)
        return no_row;
    u32 shown = u32(y - box.top - padding) / list.row_height;
    if (shown >= list.visible_rows)
        return no_row;
    u64 row = u64(list.first_row) + shown;
    return row < list.model->row_count() ? u32(row) : no_row;
}

bool Tree::focusable(Index index) const
{
    Kind kind = m_columns.kind[index];
    return (kind == Kind::Button || kind == Kind::TextField || kind == Kind::List)
        && !(m_columns.flags[index] & flag::disabled);
}

void Tree::set_focus(Index index)
{
    if (index == m_focused)
        return;
    if (m_focused != no_index) {
        m_columns.flags[m_focused] = u8(m_columns.flags[m_focused] & ~flag::focused);
        damage_widget(m_focused);
    }
    m_focused = index;
    if (index != no_index) {
        m_columns.flags[index] = u8(m_columns.flags[index] | flag::focused);
        damage_widget(index);
    }
}

ErrorOr<void> Tree::focus(WidgetId id)
{
    auto index = TRY(resolve(id));
    if (!focusable(index))
        return Error(KitError::WrongKind, "only enabled buttons, text fields and lists take focus");
    set_focus(index);
    return {};
}

Message Tree::move_focus(bool backwards)
{
    if (m_root == no_index)
        return {};
    /* Tree order, wrapping; at most one pass over every slot. */
    Index start = m_focused;
    Index candidate = start;
    for (usize step = 0; step <= m_capacity; ++step) {
        if (backwards) {
            /* The pre-order predecessor: the previous sibling's last descendant, else the parent. */
            if (candidate == no_index || candidate == m_root) {
                candidate = m_root;
                while (m_columns.last_child[candidate] != no_index)
                    candidate = m_columns.last_child[candidate];
            } else if (m_columns.previous_sibling[candidate] != no_index) {
                candidate = m_columns.previous_sibling[candidate];
                while (m_columns.last_child[candidate] != no_index)
                    candidate = m_columns.last_child[candidate];
            } else {
                candidate = m_columns.parent[candidate];
            }
        } else {
            candidate = candidate == no_index ? m_root : next_in_order(candidate);
            if (candidate == no_index)
                candidate = m_root;
        }
        if (focusable(candidate)) {
            if (candidate == start)
                return {};
            set_focus(candidate);
            return { MessageKind::FocusChanged, id_of(candidate) };
        }
        if (candidate == start)
            return {};
    }
    return {};
}

Box Tree::row_box(Index index, u32 row) const
{
    auto const& list = m_columns.list[index];
    if (row == no_row || row < list.first_row || row - list.first_row >= list.visible_rows)
        return {};
    Box const& box = m_columns.box[index];
    i32 padding = m_columns.layout[index].padding;
    i32 top = box.top + padding + i32((row - list.first_row) * list.row_height);
    return Box { box.left + padding, top, box.right - padding, top + list.row_height }.intersected(box);
}

Message Tree::select(Index index, u32 row)
{
    auto& list = m_columns.list[index];
    u32 rows = list.model == nullptr ? 0 : list.model->row_count();
    if (row >= rows || row == list.selected)
        return {};
    u32 first_row = list.first_row;
    Box previous = row_box(index, list.selected);
    list.selected = row;
    /* Keep the selected row visible. */
    u32 visible = list.visible_rows == 0 ? 1 : list.visible_rows;
    if (row < list.first_row)
        list.first_row = row;
    else if (row >= list.first_row + visible)
        list.first_row = row - visible + 1;
    clamp_list(index);
    /* Scrolled: every row moved. Else only the row left and the row selected are drawn again. */
    if (list.first_row != first_row) {
        damage_widget(index);
    } else {
        m_damage.add(previous);
        m_damage.add(row_box(index, row));
    }
    return { MessageKind::SelectionChanged, id_of(index), row };
}

Message Tree::scroll(Index index, i64 first_row)
{
    auto& list = m_columns.list[index];
    u32 old = list.first_row;
    list.first_row = first_row < 0 ? 0 : (first_row > i64(no_row - 1) ? no_row - 1 : u32(first_row));
    clamp_list(index);
    if (list.first_row == old)
        return {};
    damage_widget(index);
    return { MessageKind::Scrolled, id_of(index), list.first_row };
}

ErrorOr<Message> Tree::type_text(Index index, u32 code_point)
{
    if (!is_scalar_value(code_point) || code_point < 0x20 || (code_point >= 0x7f && code_point < 0xa0))
        return Error(KitError::InvalidText, "a control character or a value that is not a code point");
    char encoded[4] {};
    usize length = TRY(encode_utf8(code_point, encoded));
    auto& text = m_columns.text[index];
    usize caret = m_columns.caret[index];
    if (text.byte_length() + length > maximum_text)
        return Error(KitError::TextTooLong, "the text field is full (64 bytes)");
    char joined[maximum_text];
    auto bytes = text.bytes();
    usize used = 0;
    for (usize at = 0; at < caret; ++at)
        joined[used++] = bytes[at];
    for (usize at = 0; at < length; ++at)
        joined[used++] = encoded[at];
    for (usize at = caret; at < bytes.size(); ++at)
        joined[used++] = bytes[at];
    MUST(text.try_assign({ joined, used }));
    m_columns.caret[index] = u16(caret + length);
    damage_widget(index);
    m_needs_layout = true;
    return Message { MessageKind::TextChanged, id_of(index) };
}

ErrorOr<Message> Tree::text_field_key(Index index, Key key)
{
    auto& text = m_columns.text[index];
    auto bytes = text.bytes();
    auto view = text.view();
    usize caret = m_columns.caret[index];
    auto previous_boundary = [&](usize at) {
        do
            --at;
        while (at > 0 && !view.is_code_point_boundary(at));
        return at;
    };
    auto next_boundary = [&](usize at) {
        do
            ++at;
        while (at < bytes.size() && !view.is_code_point_boundary(at));
        return at;
    };
    auto erase = [&](usize from, usize to) {
        char joined[maximum_text];
        usize used = 0;
        for (usize at = 0; at < bytes.size(); ++at)
            if (at < from || at >= to)
                joined[used++] = bytes[at];
        MUST(text.try_assign({ joined, used }));
        m_columns.caret[index] = u16(from);
        damage_widget(index);
        m_needs_layout = true;
        return Message { MessageKind::TextChanged, id_of(index) };
    };
    auto move_caret = [&](usize to) {
        if (to != caret) {
            m_columns.caret[index] = u16(to);
            damage_widget(index);
        }
        return Message {};
    };
    switch (key) {
    case Key::Backspace:
        return caret == 0 ? Message {} : erase(previous_boundary(caret), caret);
    case Key::Delete:
        return caret == bytes.size() ? Message {} : erase(caret, next_boundary(caret));
    case Key::Left:
        return move_caret(caret == 0 ? 0 : previous_boundary(caret));
    case Key::Right:
        return move_caret(caret == bytes.size() ? caret : next_boundary(caret));
    case Key::Home:
        return move_caret(0);
    case Key::End:
        return move_caret(bytes.size());
    case Key::Enter:
        return Message { MessageKind::Submitted, id_of(index) };
    case Key::Space:
        return type_text(index, ' ');
    default:
        return Message {};
    }
}

ErrorOr<Message> Tree::list_key(Index index, Key key)
{
    auto const& list = m_columns.list[index];
    u32 rows = list.model == nullptr ? 0 : list.model->row_count();
    if (rows == 0)
        return Message {};
    i64 page = list.visible_rows > 1 ? list.visible_rows - 1 : 1;
    i64 current = list.selected == no_row ? -1 : i64(list.selected);
    i64 wanted = current;
    switch (key) {
    case Key::Up:
        wanted = current <= 0 ? 0 : current - 1;
        break;
    case Key::Down:
        wanted = current + 1;
        break;
    case Key::Home:
        wanted = 0;
        break;
    case Key::End:
        wanted = rows - 1;
        break;
    case Key::PageUp:
        wanted = current - page;
        break;
    case Key::PageDown:
        wanted = current + page;
        break;
    default:
        return Message {};
    }
    wanted = wanted < 0 ? 0 : (wanted >= rows ? rows - 1 : wanted);
    return select(index, u32(wanted));
}

ErrorOr<Message> Tree::key(Event const& event)
{
    if (event.key == Key::Tab)
        return move_focus(event.modifiers == Modifiers::Shift);
    if (m_focused == no_index)
        return Message {};
    switch (m_columns.kind[m_focused]) {
    case Kind::Button:
        if (event.key == Key::Enter || event.key == Key::Space)
            return Message { MessageKind::Activated, id_of(m_focused) };
        return Message {};
    case Kind::TextField:
        return text_field_key(m_focused, event.key);
    case Kind::List:
        return list_key(m_focused, event.key);
    default:
        return Message {};
    }
}

Index Tree::release_press()
{
    Index index = m_pressed;
    if (index == no_index)
        return no_index;
    m_pressed = no_index;
    m_columns.flags[index] = u8(m_columns.flags[index] & ~flag::pressed);
    damage_widget(index);
    return index;
}

ErrorOr<Message> Tree::dispatch(Event const& event)
{
    switch (event.kind) {
    case EventKind::PointerDown: {
        WidgetId target = hit(event.x, event.y);
        if (target.is_null())
            return Message {};
        Index index = target.index;
        if (!focusable(index))
            return Message {};
        set_focus(index);
        switch (m_columns.kind[index]) {
        case Kind::Button:
            m_columns.flags[index] = u8(m_columns.flags[index] | flag::pressed);
            m_pressed = index;
            damage_widget(index);
            return Message {};
        case Kind::List: {
            u32 row = row_at(target, event.x, event.y);
            return row == no_row ? Message {} : select(index, row);
        }
        case Kind::TextField: {
            Message moved = MUST(text_field_key(index, Key::End));
            (void)moved;
            return Message {};
        }
        default:
            return Message {};
        }
    }
    case EventKind::PointerUp: {
        Index index = release_press();
        if (index != no_index && holds(m_columns.box[index], event.x, event.y))
            return Message { MessageKind::Activated, id_of(index) };
        return Message {};
    }
    case EventKind::Scroll: {
        for (WidgetId target = hit(event.x, event.y); !target.is_null();
             target = id_of(m_columns.parent[target.index])) {
            if (m_columns.kind[target.index] == Kind::List && !(m_columns.flags[target.index] & flag::disabled))
                return scroll(target.index, i64(m_columns.list[target.index].first_row) + event.delta);
        }
        return Message {};
    }
    case EventKind::Key:
        return key(event);
    case EventKind::Text:
        if (m_focused == no_index || m_columns.kind[m_focused] != Kind::TextField)
            return Message {};
        return type_text(m_focused, event.code_point);
    case EventKind::FocusIn:
        return Message {};
    case EventKind::FocusOut:
        /* The release may never come (it goes where the focus went): the press is let go, nothing activated. */
        (void)release_press();
        return Message {};
    }
    return Message {};
}

}
