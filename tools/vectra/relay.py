# SPDX-License-Identifier: Apache-2.0
"""relay.py PORT — carries one connection between this process's standard input and output (QEMU's
`guestfwd=...-cmd:` runs one per connection the guest opens) and a TCP connection to 127.0.0.1:PORT
(a server of the oracle's `host_servers`, hostserver.py). Ends when either side ends; bounded by
IDLE_SECONDS of silence on both."""

import os
import selectors
import socket
import sys

IDLE_SECONDS = 300


def relay(port: int, reading: int, writing: int, host: str = "127.0.0.1") -> int:
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.setblocking(False)
        selector = selectors.DefaultSelector()
        selector.register(reading, selectors.EVENT_READ, "guest")
        selector.register(connection, selectors.EVENT_READ, "server")
        guest_open = True
        while True:
            events = selector.select(IDLE_SECONDS)
            if not events:
                return 1
            for key, _ in events:
                if key.data == "guest":
                    data = os.read(reading, 65536)
                    if not data:
                        selector.unregister(reading)
                        guest_open = False
                        connection.shutdown(socket.SHUT_WR)
                        continue
                    connection.setblocking(True)
                    connection.sendall(data)
                    connection.setblocking(False)
                else:
                    try:
                        data = connection.recv(65536)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        return 0
                    if not data:
                        return 0
                    view = memoryview(data)
                    while view:
                        written = os.write(writing, view)
                        view = view[written:]
            if not guest_open and not selector.get_map():
                return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.stderr.write("usage: relay.py PORT\n")
        sys.exit(2)
    try:
        sys.exit(relay(int(sys.argv[1]), sys.stdin.fileno(), sys.stdout.fileno()))
    except (OSError, KeyboardInterrupt):
        sys.exit(1)
