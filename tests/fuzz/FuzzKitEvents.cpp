/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Any bytes as a sequence of VectraKit tree edits and events (compositord's routed events among them,
 * any field any value, through the InputTranslator) over real DejaVu Sans glyphs, with
 * layout and damage-limited drawing between them. After every step: each box inside its parent's,
 * the focused widget enabled and focusable, carets on code point boundaries, list offsets and
 * selections inside their models, the accessibility tree (decoded back) one node per widget and
 * visible row, and nothing drawn outside the canvas (ASan watches the buffer's edges).
 */

#include "../frameworks/KitGlyphs.h"
#include <vector>
#include <vectra/encoding/Json.h>
#include <vectra/kit/Accessibility.h>
#include <vectra/kit/Canvas.h>
#include <vectra/kit/Input.h>

using namespace vectra;
using kit::Box;
using kit::Event;
using kit::Kind;

namespace {

constexpr u32 canvas_width = 160;
constexpr u32 canvas_height = 120;

struct Input {
    u8 const* data;
    usize size;
    usize at { 0 };
    [[nodiscard]] bool done() const { return at >= size; }
    u8 byte() { return at < size ? data[at++] : 0; }
    i32 coordinate(i32 limit) { return i32(byte()) * (limit + 20) / 255 - 10; }
};

void check(kit::Tree const& tree, test::EngineGlyphs&)
{
    auto const& columns = tree.columns();
    usize widgets = 0;
    usize expected_nodes = 0;
    for (kit::Index index = tree.root_index(); index != kit::no_index; index = tree.next_in_order(index)) {
        ++widgets;
        ++expected_nodes;
        VERIFY(columns.kind[index] != Kind::Free);
        kit::Index parent = columns.parent[index];
        if (parent != kit::no_index && !tree.needs_layout())
            VERIFY(columns.box[parent].contains(columns.box[index]));
        if (columns.kind[index] == Kind::TextField) {
            auto view = columns.text[index].view();
            VERIFY(columns.caret[index] <= view.byte_length());
            VERIFY(view.is_code_point_boundary(columns.caret[index]));
        }
        if (columns.kind[index] == Kind::List && columns.list[index].model) {
            auto const& list = columns.list[index];
            u32 rows = list.model->row_count();
            VERIFY(list.selected == kit::no_row || list.selected < rows);
            VERIFY(list.first_row == 0 || list.first_row < rows);
            for (u32 row = list.first_row; row < rows && row - list.first_row < list.visible_rows; ++row)
                ++expected_nodes;
        }
    }
    VERIFY(widgets == tree.size());
    if (!tree.focused().is_null()) {
        auto flags = MUST(tree.flags(tree.focused()));
        VERIFY(flags & kit::flag::focused);
        VERIFY(!(flags & kit::flag::disabled));
    }
    static std::vector<char> buffer(256 * 1024);
    usize length = MUST(kit::encode_accessibility_json(tree, buffer));
    static kit::AccessibilityTree<256> dump;
    dump.nodes.clear();
    auto decoded = vectra::decode_json(std::string_view(buffer.data(), length), dump);
    VERIFY(!decoded.is_error());
    VERIFY(dump.nodes.size() == expected_nodes);
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static test::EngineGlyphs glyphs(12);
    static test::NumberedRows models[2] { test::NumberedRows(0), test::NumberedRows(0) };
    static kit::TreeStorage<24> storage;
    kit::Tree tree(storage.columns());
    Input input { data, size };
    kit::WidgetId made[24];
    usize made_count = 0;
    made[made_count++] = MUST(tree.add({}, Kind::Column));
    models[0].set_count(0);
    models[1].set_count(7);
    std::vector<u32> pixels(canvas_width * canvas_height);
    auto canvas = MUST(kit::Canvas::try_create(pixels, canvas_width, canvas_height, canvas_width));
    Box bounds = Box::of(0, 0, canvas_width, canvas_height);
    auto translator = kit::InputTranslator::for_surface();
    static char const* texts[] = { "", "OK", "Größe", "A longer piece of text", "€½→★", "x" };

    for (usize steps = 0; !input.done() && steps < 200; ++steps) {
        u8 operation = input.byte() % 13;
        kit::WidgetId target = made[input.byte() % made_count];
        switch (operation) {
        case 0: {
            Kind kind = Kind(1 + input.byte() % 6);
            auto added = tree.add(target, kind, texts[input.byte() % 6]);
            if (!added.is_error() && made_count < 24)
                made[made_count++] = added.value();
            if (!added.is_error() && kind == Kind::List)
                (void)tree.set_list_model(added.value(), &models[input.byte() % 2]);
            break;
        }
        case 1:
            if (!(target == tree.root()))
                (void)tree.remove(target);
            break;
        case 2:
            (void)tree.set_text(target, texts[input.byte() % 6]);
            break;
        case 3: {
            kit::LayoutParameters parameters { u16(input.byte() % 12), u16(input.byte() % 12), u16(input.byte() % 4),
                u16(input.byte()), u16(input.byte()), kit::Align(input.byte() % 4) };
            (void)tree.set_layout(target, parameters);
            break;
        }
        case 4:
            (void)tree.set_disabled(target, input.byte() & 1);
            break;
        case 5: {
            i32 x = input.coordinate(canvas_width);
            i32 y = input.coordinate(canvas_height);
            (void)tree.dispatch(input.byte() & 1 ? Event::pointer_down(x, y) : Event::pointer_up(x, y));
            break;
        }
        case 6:
            (void)tree.dispatch(Event::key_press(kit::Key(input.byte() % 14), kit::Modifiers(input.byte() & 1)));
            break;
        case 7: {
            u32 code_point = u32(input.byte()) | u32(input.byte()) << 8 | u32(input.byte() & 0x11) << 16;
            (void)tree.dispatch(Event::text(code_point));
            break;
        }
        case 8:
            (void)tree.dispatch(
                Event::scroll(input.coordinate(canvas_width), input.coordinate(canvas_height), i8(input.byte())));
            break;
        case 9: {
            models[input.byte() % 2].set_count(input.byte() % 40);
            for (usize index = 0; index < made_count; ++index)
                (void)tree.model_changed(made[index]);
            break;
        }
        case 10:
            (void)tree.select_row(target, input.byte() % 50);
            (void)tree.scroll_to(target, input.byte() % 50);
            break;
        case 11:
            bounds = Box::of(input.coordinate(40), input.coordinate(40), input.byte(), input.byte());
            tree.damage_all();
            break;
        case 12: {
            /* One of compositord's routed events, any field any value, through the translator. */
            surface::SurfaceEvent routed;
            routed.kind = u8(input.byte() % 5);
            routed.action = u8(input.byte() % 5);
            routed.code = u16(input.byte() | input.byte() << 8);
            routed.modifiers = input.byte();
            u32 code_point = u32(input.byte()) | u32(input.byte()) << 8 | u32(input.byte()) << 16 | u32(input.byte()) << 24;
            if (input.byte() & 1)
                MUST(routed.characters.try_append(code_point));
            routed.x = i32(u32(input.byte()) << 24 | u32(input.byte()) << 8 | input.byte()) - 1024;
            routed.y = i32(u32(input.byte()) << 24 | u32(input.byte()) << 8 | input.byte()) - 1024;
            routed.buttons = input.byte();
            Event events[kit::InputTranslator::maximum_events];
            usize count = translator.translate(routed, events);
            VERIFY(count <= kit::InputTranslator::maximum_events);
            for (usize index = 0; index < count; ++index) {
                VERIFY(events[index].x >= -kit::InputTranslator::coordinate_bound);
                VERIFY(events[index].x <= kit::InputTranslator::coordinate_bound);
                (void)tree.dispatch(events[index]);
            }
            break;
        }
        }
        if (tree.needs_layout() || operation == 11)
            MUST(tree.layout(glyphs, bounds));
        MUST(tree.draw(canvas, glyphs, tree.take_damage()));
        check(tree, glyphs);
    }
    return 0;
}
