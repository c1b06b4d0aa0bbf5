"""QEMU's machine protocol (QMP) from the host: commands, and key presses on a USB keyboard
bound to a display of its own, so that one keypad is pressed and not the others."""
import json
import socket
import time


class QmpError(Exception):
    pass


def connect_unix(path, timeout):
    """A connection to a unix socket QEMU listens on, waiting for QEMU to open it."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise QmpError(f"QEMU did not open {path}")
            time.sleep(0.05)


class Qmp:
    def __init__(self, path, timeout=10):
        self.socket = connect_unix(path, timeout)
        self.file = self.socket.makefile("rw", encoding="utf-8")
        self.file.readline()  # greeting
        self.command("qmp_capabilities")

    def command(self, name, **arguments):
        self.file.write(json.dumps({"execute": name, "arguments": arguments}) + "\n")
        self.file.flush()
        while True:
            line = self.file.readline()
            if not line:
                raise QmpError(f"QMP {name}: QEMU closed the connection")
            reply = json.loads(line)
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise QmpError(f"QMP {name}: {reply['error'].get('desc')}")
            # an event: DEVICE_DELETED and the like; nothing waits for them here

    def key(self, display, qcode, down):
        self.command("input-send-event", device=display, head=0,
                     events=[{"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}])

    def press(self, display, qcode, hold=0.03):
        self.key(display, qcode, True)
        time.sleep(hold)
        self.key(display, qcode, False)
        time.sleep(0.03)  # QEMU's key queue holds 16 events: keep them apart
