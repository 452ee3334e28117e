/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd without CONFIG_INITD_CONTROL: no vectra.control server (include/initd/Control.h). The
 * manifest compiler refuses a Task marked "control" in such a build, so this never answers.
 */

#include <initd/Control.h>

namespace vectra::initd {

ErrorOr<void> answer_control(RingReceiver&, RingSender&, ControlledServices&)
{
    return Error(ErrorCode::Unsupported, "initd was built without CONFIG_INITD_CONTROL");
}

}
