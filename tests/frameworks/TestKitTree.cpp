/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * VectraKit's tree as columns: adds under containers only, one root, a stated capacity met with
 * tree-full (nothing changed), removal of whole subtrees whose ids go stale even when their slots
 * are reused, text bounds and UTF-8, kind-specific operations refused on other kinds.
 */

#include "KitGlyphs.h"
#include <catch2/catch.hpp>
#include <vectra/kit/Error.h>
#include <vectra/kit/Tree.h>

using namespace vectra;
using kit::Kind;
using kit::KitError;

TEST_CASE("a tree is built under rows and columns, with one root", "[kit]")
{
    kit::TreeStorage<8> storage;
    kit::Tree tree(storage.columns());
    REQUIRE(tree.capacity() == 8);
    auto root = MUST(tree.add({}, Kind::Column));
    REQUIRE(tree.root() == root);
    REQUIRE(tree.add({}, Kind::Row).error().is(KitError::RootExists));
    auto row = MUST(tree.add(root, Kind::Row));
    auto label = MUST(tree.add(row, Kind::Label, "Name"));
    auto button = MUST(tree.add(row, Kind::Button, "OK"));
    REQUIRE(tree.add(label, Kind::Label, "inside a label").error().is(KitError::NotAContainer));
    REQUIRE(tree.add(button, Kind::Label).error().is(KitError::NotAContainer));
    REQUIRE(tree.size() == 4);
    REQUIRE(tree.parent(label) == row);
    REQUIRE(tree.parent(row) == root);
    REQUIRE(tree.parent(root).is_null());
    REQUIRE(MUST(tree.kind(button)) == Kind::Button);
    REQUIRE(MUST(tree.text(label)).bytes() == "Name");

    /* Tree order: root, row, label, button. */
    kit::Index order[4];
    usize count = 0;
    for (kit::Index index = tree.root_index(); index != kit::no_index; index = tree.next_in_order(index))
        order[count++] = index;
    REQUIRE(count == 4);
    REQUIRE(order[0] == root.index);
    REQUIRE(order[1] == row.index);
    REQUIRE(order[2] == label.index);
    REQUIRE(order[3] == button.index);
}

TEST_CASE("a full tree refuses an add with tree-full and changes nothing", "[kit]")
{
    kit::TreeStorage<3> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    MUST(tree.add(root, Kind::Label, "one"));
    MUST(tree.add(root, Kind::Label, "two"));
    REQUIRE(tree.add(root, Kind::Label, "three").error().is(KitError::TreeFull));
    REQUIRE(tree.size() == 3);
    usize count = 0;
    for (kit::Index index = tree.root_index(); index != kit::no_index; index = tree.next_in_order(index))
        ++count;
    REQUIRE(count == 3);
}

TEST_CASE("removing a widget frees its whole subtree and its ids go stale, even in reused slots", "[kit]")
{
    kit::TreeStorage<6> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    auto first = MUST(tree.add(root, Kind::Row));
    auto inside = MUST(tree.add(first, Kind::Button, "in"));
    auto deeper = MUST(tree.add(first, Kind::Column));
    auto deepest = MUST(tree.add(deeper, Kind::Label, "deep"));
    auto last = MUST(tree.add(root, Kind::Label, "last"));
    REQUIRE(tree.size() == 6);
    MUST(tree.focus(inside));
    REQUIRE(tree.focused() == inside);

    MUST(tree.remove(first));
    REQUIRE(tree.size() == 2);
    REQUIRE(tree.focused().is_null());
    for (auto stale : { first, inside, deeper, deepest }) {
        REQUIRE(tree.kind(stale).error().is(KitError::StaleWidget));
        REQUIRE(tree.remove(stale).error().is(KitError::StaleWidget));
        REQUIRE(tree.set_text(stale, "x").error().is(KitError::StaleWidget));
    }
    REQUIRE(MUST(tree.text(last)).bytes() == "last");

    /* The freed slots come back with new generations: the old ids still name nothing. */
    auto again = MUST(tree.add(root, Kind::Label, "again"));
    REQUIRE(again.index == first.index);
    REQUIRE_FALSE(again == first);
    REQUIRE(tree.kind(first).error().is(KitError::StaleWidget));
    REQUIRE(MUST(tree.kind(again)) == Kind::Label);

    /* A made-up id is stale too. */
    REQUIRE(tree.kind(kit::WidgetId { 5000, 0 }).error().is(KitError::StaleWidget));

    /* Removing the root empties the tree; a new root can be made. */
    MUST(tree.remove(root));
    REQUIRE(tree.size() == 0);
    REQUIRE(tree.root().is_null());
    MUST(tree.add({}, Kind::Row));
}

TEST_CASE("text is bounded at 64 bytes and must be UTF-8", "[kit]")
{
    kit::TreeStorage<4> storage;
    kit::Tree tree(storage.columns());
    auto root = MUST(tree.add({}, Kind::Column));
    std::string longest(64, 'a');
    auto label = MUST(tree.add(root, Kind::Label, longest));
    REQUIRE(MUST(tree.text(label)).byte_length() == 64);
    REQUIRE(tree.add(root, Kind::Label, std::string(65, 'a')).error().is(KitError::TextTooLong));
    REQUIRE(tree.set_text(label, std::string(65, 'b')).error().is(KitError::TextTooLong));
    REQUIRE(MUST(tree.text(label)).bytes() == longest);
    REQUIRE(tree.add(root, Kind::Label, "\xff\xfe").error().is(KitError::InvalidText));
    REQUIRE(tree.set_name(label, "\xc3").error().is(KitError::InvalidText));
    MUST(tree.set_text(label, "Größe"));
    REQUIRE(MUST(tree.text(label)).bytes() == "Größe");
}

TEST_CASE("operations for one kind of widget are refused on others", "[kit]")
{
    kit::TreeStorage<4> storage;
    kit::Tree tree(storage.columns());
    test::NumberedRows rows(3);
    auto root = MUST(tree.add({}, Kind::Column));
    auto button = MUST(tree.add(root, Kind::Button, "OK"));
    auto label = MUST(tree.add(root, Kind::Label, "text"));
    REQUIRE(tree.set_list_model(button, &rows).error().is(KitError::WrongKind));
    REQUIRE(tree.select_row(button, 0).error().is(KitError::WrongKind));
    REQUIRE(tree.scroll_to(label, 0).error().is(KitError::WrongKind));
    REQUIRE(tree.caret(button).error().is(KitError::WrongKind));
    REQUIRE(tree.focus(label).error().is(KitError::WrongKind));
    MUST(tree.set_disabled(button, true));
    REQUIRE(tree.focus(button).error().is(KitError::WrongKind));
    REQUIRE(tree.set_layout(button, { 20000 }).error().is(KitError::OutOfBounds));
}
