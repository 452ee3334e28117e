/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's events as VectraKit's (Input.h): the shared translation, fed from vectra.input.
 */

#include <vectra/input/Protocol.h>
#include <vectra/kit/Input.h>

namespace vectra::kit {

usize InputTranslator::translate(input::InputEvent const& event, Event (&out)[maximum_events])
{
    if (event.kind == input::event_kind::key)
        return key(event.action, event.code, event.modifiers, event.characters.span(), out);
    if (event.kind == input::event_kind::pointer)
        return pointer(event.x, event.y, event.buttons, out);
    return 0;
}

}
