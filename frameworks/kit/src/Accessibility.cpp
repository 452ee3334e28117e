/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/encoding/Json.h>
#include <vectra/kit/Accessibility.h>
#include <vectra/kit/Error.h>

namespace vectra::kit {

char const* role_name(Kind kind)
{
    switch (kind) {
    case Kind::Free:
        return "none";
    case Kind::Column:
    case Kind::Row:
        return "group";
    case Kind::Label:
        return "label";
    case Kind::Button:
        return "button";
    case Kind::TextField:
        return "text-field";
    case Kind::List:
        return "list";
    }
    return "none";
}

namespace {

void place(AccessibleNode& node, Box const& box)
{
    node.x = box.left;
    node.y = box.top;
    node.width = box.width();
    node.height = box.height();
}

}

AccessibleNode accessible_node(Tree const& tree, Index index)
{
    auto const& columns = tree.columns();
    AccessibleNode node;
    Kind kind = columns.kind[index];
    node.id = tree.id_of(index).value();
    if (columns.parent[index] != no_index)
        node.parent = tree.id_of(columns.parent[index]).value();
    node.role = MUST(FixedString<maximum_role>::try_from(role_name(kind)));
    /* A label's and a button's name is their text unless one was set; a field's text is its value. */
    bool text_is_name = kind == Kind::Label || kind == Kind::Button;
    node.name = columns.name[index].is_empty() && text_is_name ? columns.text[index] : columns.name[index];
    if (kind == Kind::TextField)
        node.value = columns.text[index];
    u8 flags = columns.flags[index];
    node.focused = flags & flag::focused;
    node.pressed = flags & flag::pressed;
    node.disabled = flags & flag::disabled;
    node.selected = kind == Kind::List && columns.list[index].selected != no_row;
    place(node, columns.box[index]);
    return node;
}

AccessibleNode accessible_row(Tree const& tree, Index list_index, u32 row)
{
    auto const& columns = tree.columns();
    auto const& list = columns.list[list_index];
    AccessibleNode node;
    /* A row carries its list's id and its row number: the pair names it. */
    node.id = tree.id_of(list_index).value();
    node.parent = node.id;
    node.row = row;
    node.role = MUST(FixedString<maximum_role>::try_from("list-item"));
    auto name = Text::try_from(list.model->row_text(row));
    if (!name.is_error())
        node.name = name.release_value();
    node.selected = row == list.selected;
    node.disabled = columns.flags[list_index] & flag::disabled;
    place(node, tree.row_box(list_index, row));
    return node;
}

ErrorOr<usize> encode_node_json(AccessibleNode const& node, std::span<char> output)
{
    auto length = vectra::encode_json(node, output);
    if (length.is_error())
        return Error(KitError::BufferTooSmall, "the node's JSON does not fit the buffer");
    return length.release_value();
}

ErrorOr<usize> encode_accessibility_json(Tree const& tree, std::span<char> output)
{
    encoding::JsonWriter writer(output);
    writer.raw("{\"nodes\":[");
    bool first = true;
    TRY(for_each_accessible_node(tree, [&](AccessibleNode const& node) -> ErrorOr<void> {
        if (!first)
            writer.raw(",");
        first = false;
        return encoding::encode_json_value(writer, node);
    }));
    writer.raw("]}");
    auto length = writer.finish();
    if (length.is_error())
        return Error(KitError::BufferTooSmall, "the accessibility tree's JSON does not fit the buffer");
    return length.release_value();
}

}
