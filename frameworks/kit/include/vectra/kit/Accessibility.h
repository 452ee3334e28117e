/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The accessibility tree, read from the same columns drawing and hit-testing read: per widget a
 * role, a name, a value, its states (focused, pressed, selected, disabled) and bounds; a list's
 * visible rows are nodes under it (role list-item, `row` set). Serialised as JSON through
 * core/encoding — a whole tree for a test, or one node per line for a debug channel.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/BoundedVector.h>
#include <vectra/FixedString.h>
#include <vectra/kit/Tree.h>

namespace vectra::kit {

inline constexpr usize maximum_role = 12;

struct AccessibleNode {
    u32 id { 0 }; /* the WidgetId's value */
    std::optional<u32> parent; /* absent for the root */
    std::optional<u32> row; /* a list-item's row in its list's model */
    FixedString<maximum_role> role;
    Text name;
    Text value; /* a text field's text */
    bool focused { false };
    bool pressed { false };
    bool selected { false };
    bool disabled { false };
    i32 x { 0 };
    i32 y { 0 };
    u32 width { 0 };
    u32 height { 0 };

    static constexpr auto fields()
    {
        return vectra::fields(field("id", &AccessibleNode::id), field("parent", &AccessibleNode::parent),
            field("row", &AccessibleNode::row), field("role", &AccessibleNode::role),
            field("name", &AccessibleNode::name), field("value", &AccessibleNode::value),
            field("focused", &AccessibleNode::focused), field("pressed", &AccessibleNode::pressed),
            field("selected", &AccessibleNode::selected), field("disabled", &AccessibleNode::disabled),
            field("x", &AccessibleNode::x), field("y", &AccessibleNode::y), field("width", &AccessibleNode::width),
            field("height", &AccessibleNode::height));
    }
};

[[nodiscard]] char const* role_name(Kind);

/* Calls `visit` for every node in tree order (pre-order; a list's rows after the list). */
template<typename Visit>
ErrorOr<void> for_each_accessible_node(Tree const&, Visit&& visit);

/* The node of widget slot `index` (valid), and of list row `row` of list `index`. */
[[nodiscard]] AccessibleNode accessible_node(Tree const&, Index index);
[[nodiscard]] AccessibleNode accessible_row(Tree const&, Index list, u32 row);

/* {"nodes":[…]} into `output`; buffer-too-small when it does not fit. */
[[nodiscard]] ErrorOr<usize> encode_accessibility_json(Tree const&, std::span<char> output);
/* One node's JSON object. */
[[nodiscard]] ErrorOr<usize> encode_node_json(AccessibleNode const&, std::span<char> output);

/* A whole tree decoded (what a test or an oracle reads back). */
template<usize Capacity>
struct AccessibilityTree {
    BoundedVector<AccessibleNode, Capacity> nodes;
    static constexpr auto fields() { return vectra::fields(field("nodes", &AccessibilityTree::nodes)); }
};

template<typename Visit>
ErrorOr<void> for_each_accessible_node(Tree const& tree, Visit&& visit)
{
    auto const& columns = tree.columns();
    for (Index index = tree.root_index(); index != no_index; index = tree.next_in_order(index)) {
        TRY(visit(accessible_node(tree, index)));
        if (columns.kind[index] != Kind::List || columns.list[index].model == nullptr)
            continue;
        auto const& list = columns.list[index];
        u32 rows = list.model->row_count();
        for (u32 row = list.first_row; row < rows && row - list.first_row < list.visible_rows; ++row)
            TRY(visit(accessible_row(tree, index, row)));
    }
    return {};
}

}
