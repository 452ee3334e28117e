/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The accessibility tree read back as JSON (core/encoding's decoder) matches the widgets after
 * each change: roles, names, values, states, bounds, list rows with their selection; a buffer too
 * small is an error, never a cut-off document.
 */

#include "KitGlyphs.h"
#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/encoding/Json.h>
#include <vectra/kit/Accessibility.h>
#include <vectra/kit/Error.h>

using namespace vectra;
using kit::Box;
using kit::Event;
using kit::Key;
using kit::Kind;
using kit::KitError;

namespace {

using Dump = kit::AccessibilityTree<64>;

Dump read_back(kit::Tree const& tree)
{
    std::vector<char> buffer(64 * 1024);
    usize length = MUST(kit::encode_accessibility_json(tree, buffer));
    Dump dump;
    auto decoded = vectra::decode_json(std::string_view(buffer.data(), length), dump);
    REQUIRE_FALSE(decoded.is_error());
    return dump;
}

/* Every widget's node agrees with the tree's columns, in tree order; list rows follow their list. */
void require_matches(kit::Tree const& tree, Dump const& dump)
{
    auto const& columns = tree.columns();
    usize at = 0;
    for (kit::Index index = tree.root_index(); index != kit::no_index; index = tree.next_in_order(index)) {
        REQUIRE(at < dump.nodes.size());
        auto const& node = dump.nodes[at++];
        auto id = tree.id_of(index);
        REQUIRE(node.id == id.value());
        REQUIRE(node.role.view() == std::string_view(kit::role_name(columns.kind[index])));
        REQUIRE(node.focused == (tree.focused() == id));
        REQUIRE(node.pressed == bool(columns.flags[index] & kit::flag::pressed));
        REQUIRE(node.disabled == bool(columns.flags[index] & kit::flag::disabled));
        Box box = columns.box[index];
        REQUIRE(node.x == box.left);
        REQUIRE(node.y == box.top);
        REQUIRE(node.width == box.width());
        REQUIRE(node.height == box.height());
        if (columns.parent[index] == kit::no_index)
            REQUIRE_FALSE(node.parent.has_value());
        else
            REQUIRE(node.parent.value() == tree.id_of(columns.parent[index]).value());
        if (columns.kind[index] == Kind::TextField)
            REQUIRE(node.value.bytes() == columns.text[index].bytes());
        if (columns.kind[index] != Kind::List || columns.list[index].model == nullptr)
            continue;
        auto const& list = columns.list[index];
        for (u32 shown = 0; shown < list.visible_rows && list.first_row + shown < list.model->row_count(); ++shown) {
            REQUIRE(at < dump.nodes.size());
            auto const& row = dump.nodes[at++];
            REQUIRE(row.role.view() == "list-item");
            REQUIRE(row.parent.value() == id.value());
            REQUIRE(row.row.value() == list.first_row + shown);
            REQUIRE(row.name.bytes() == list.model->row_text(list.first_row + shown).bytes());
            REQUIRE(row.selected == (list.first_row + shown == list.selected));
            REQUIRE(row.y == box.top + 1 + i32(shown * list.row_height));
        }
    }
    REQUIRE(at == dump.nodes.size());
}

}

TEST_CASE("the accessibility tree names every widget and follows every change", "[kit]")
{
    test::EngineGlyphs glyphs(14);
    test::NumberedRows rows(20);
    kit::TreeStorage<16> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    MUST(tree.set_name(root, "Settings"));
    MUST(tree.set_layout(root, { 8, 6 }));
    auto title = MUST(tree.add(root, Kind::Label, "Display"));
    auto field = MUST(tree.add(root, Kind::TextField, "Living room"));
    MUST(tree.set_name(field, "Device name"));
    auto row = MUST(tree.add(root, Kind::Row));
    auto apply = MUST(tree.add(row, Kind::Button, "Apply"));
    auto reset = MUST(tree.add(row, Kind::Button, "Reset"));
    MUST(tree.set_name(reset, "Reset to defaults"));
    auto list = MUST(tree.add(root, Kind::List));
    MUST(tree.set_name(list, "Resolutions"));
    MUST(tree.set_list_model(list, &rows));
    MUST(tree.layout(glyphs, Box { 0, 0, 300, 300 }));

    auto dump = read_back(tree);
    require_matches(tree, dump);
    REQUIRE(dump.nodes[0].role.view() == "group");
    REQUIRE(dump.nodes[0].name.bytes() == "Settings");
    REQUIRE(dump.nodes[1].role.view() == "label");
    REQUIRE(dump.nodes[1].name.bytes() == "Display");
    REQUIRE(dump.nodes[2].role.view() == "text-field");
    REQUIRE(dump.nodes[2].name.bytes() == "Device name");
    REQUIRE(dump.nodes[2].value.bytes() == "Living room");
    REQUIRE(dump.nodes[4].name.bytes() == "Apply");
    REQUIRE(dump.nodes[5].name.bytes() == "Reset to defaults");
    REQUIRE(dump.nodes[6].role.view() == "list");
    REQUIRE(dump.nodes[7].role.view() == "list-item");
    REQUIRE(dump.nodes[7].name.bytes() == "Row 0");

    MUST(tree.dispatch(Event::key_press(Key::Tab)));
    require_matches(tree, read_back(tree));
    REQUIRE(read_back(tree).nodes[2].focused);
    MUST(tree.dispatch(Event::text('!')));
    REQUIRE(read_back(tree).nodes[2].value.bytes() == "Living room!");
    Box apply_box = MUST(tree.box(apply));
    MUST(tree.dispatch(Event::pointer_down(apply_box.left + 2, apply_box.top + 2)));
    dump = read_back(tree);
    require_matches(tree, dump);
    REQUIRE(dump.nodes[4].pressed);
    REQUIRE(dump.nodes[4].focused);
    MUST(tree.dispatch(Event::pointer_up(apply_box.left + 2, apply_box.top + 2)));
    MUST(tree.set_disabled(reset, true));
    MUST(tree.focus(list));
    MUST(tree.dispatch(Event::key_press(Key::End)));
    dump = read_back(tree);
    require_matches(tree, dump);
    REQUIRE(dump.nodes[5].disabled);
    REQUIRE(dump.nodes[6].selected);
    REQUIRE(dump.nodes[dump.nodes.size() - 1].name.bytes() == "Row 19");
    REQUIRE(dump.nodes[dump.nodes.size() - 1].selected);
    MUST(tree.set_text(title, "Display and sound"));
    MUST(tree.layout(glyphs, Box { 0, 0, 300, 300 }));
    MUST(tree.remove(row));
    MUST(tree.layout(glyphs, Box { 0, 0, 300, 300 }));
    dump = read_back(tree);
    require_matches(tree, dump);
    REQUIRE(dump.nodes[1].name.bytes() == "Display and sound");
    REQUIRE(dump.nodes[3].role.view() == "list");
}

TEST_CASE("a serialisation buffer too small is an error", "[kit]")
{
    kit::TreeStorage<4> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    MUST(tree.add(root, Kind::Button, "A button with a name"));
    char small[40];
    REQUIRE(kit::encode_accessibility_json(tree, small).error().is(KitError::BufferTooSmall));
    REQUIRE(kit::encode_node_json(kit::accessible_node(tree, tree.root_index()), small)
                .error()
                .is(KitError::BufferTooSmall));
    char enough[1024];
    usize length = MUST(kit::encode_node_json(kit::accessible_node(tree, tree.root_index()), enough));
    std::string node(enough, length);
    REQUIRE(node.find("\"role\":\"group\"") != std::string::npos);
    REQUIRE(node.find("\"parent\":null") != std::string::npos);
}
