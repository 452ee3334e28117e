/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Runs a function in a forked child process with its standard output captured, for tests whose
 * subject faults, installs signal handlers or ends the process. The child never returns into
 * the test runner: it ends with _exit (status 0 when the function returns).
 */

#pragma once

#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace vectra::test {

struct ChildResult {
    bool exited { false };
    int exit_status { -1 };
    bool killed { false };
    int signal_number { 0 };
    std::string output;
};

template<typename Function>
ChildResult run_in_child(Function function)
{
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0)
        return {};
    pid_t child = fork();
    if (child < 0)
        return {};
    if (child == 0) {
        close(pipe_ends[0]);
        dup2(pipe_ends[1], STDOUT_FILENO);
        close(pipe_ends[1]);
        function();
        _exit(0);
    }
    close(pipe_ends[1]);
    ChildResult result;
    char buffer[512];
    for (;;) {
        ssize_t count = read(pipe_ends[0], buffer, sizeof(buffer));
        if (count <= 0)
            break;
        result.output.append(buffer, static_cast<size_t>(count));
    }
    close(pipe_ends[0]);
    int status = 0;
    waitpid(child, &status, 0);
    result.exited = WIFEXITED(status);
    result.exit_status = result.exited ? WEXITSTATUS(status) : -1;
    result.killed = WIFSIGNALED(status);
    result.signal_number = result.killed ? WTERMSIG(status) : 0;
    return result;
}

}
