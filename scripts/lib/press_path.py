"""A key press to its whole ticket at the printer, measured from outside the real daemon.

The daemon runs on a config of its own: KEYPADS kiosk keypads (FIFOs that take kernel input
events), one printer that is a FIFO this script reads. Presses go in at a steady RATE, round
robin over the keypads; a ticket is complete when its cut command arrives. Beside it, in the
same run, this disk's own fdatasync of 4 KiB (every ticket waits for one durable commit before
its first byte): the overhead is the press path's time above the disk's.

Usage: press_path.py KIOSK_BINARY RATE PRESSES [KEYPADS]
"""
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fsync_probe import at, fdatasync_latencies  # noqa: E402

kiosk, rate, presses = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
keypads = int(sys.argv[4]) if len(sys.argv) > 4 else max(1, min(20, int(rate // 50) + 1))
KEY_KP1 = 79
CUT = b"\x1dV"  # GS V: the last command of every ticket


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def event(code, value, now):
    sec = int(now)
    return struct.pack("qqHHi", sec, int((now - sec) * 1e6), 1, code, value) + struct.pack("qqHHi", sec, int((now - sec) * 1e6), 0, 0, 0)


folder = tempfile.mkdtemp(prefix="kiosk-press-path-")
letters = "ABCDEGHKLMNPQRSTUVXY"
printer = os.path.join(folder, "printer")
os.mkfifo(printer)
lines = [
    '[centre]', 'name = "Trung tâm xã Tân Phú"',
    '[database]', f'path = "{folder}/kiosk.sqlite"',
    '[http]', f'bind = "127.0.0.1:{free_port()}"',
    '[control]', f'socket = "{folder}/control.sock"',
    '[printer]', f'path = "{printer}"', 'profile = "xprinter-80"', 'status_queries = false',
]
for i in range(keypads):
    lines += ['[[services]]', f'code = "S{i}"', f'name = "Dịch vụ {i}"', f'prefix = "{letters[i]}"', 'last_number = 9999']
lines += ['[[counters]]', 'number = 1', 'services = [' + ", ".join(f'"S{i}"' for i in range(keypads)) + ']']
for i in range(keypads):
    os.mkfifo(os.path.join(folder, f"keypad-{i}"))
    lines += ['[[keypads]]', f'name = "k{i}"', f'path = "{folder}/keypad-{i}"', 'role = "kiosk"', 'grab = false',
              'debounce_ms = 0', 'rate_limit_presses = 100', 'rate_limit_seconds = 1', '[keypads.keys]', f'KEY_KP1 = "S{i}"']
with open(os.path.join(folder, "kiosk.toml"), "w") as f:
    f.write("\n".join(lines) + "\n")

# The printer's far end is open before the daemon writes to it.
reader = os.open(printer, os.O_RDONLY | os.O_NONBLOCK)
# A writer of our own keeps the FIFO from reading as ended between two tickets (the daemon
# opens the printer for each ticket).
keep_open = os.open(printer, os.O_WRONLY | os.O_NONBLOCK)
cuts = []


def read_printer():
    pending = b""
    while True:
        ready, _, _ = select.select([reader], [], [], 0.5)
        if not ready:
            if stopping.is_set():
                return
            continue
        try:
            chunk = os.read(reader, 65536)
        except BlockingIOError:
            continue
        now = time.monotonic()
        pending += chunk
        while CUT in pending:
            cuts.append(now)
            pending = pending[pending.index(CUT) + len(CUT):]


stopping = threading.Event()
threading.Thread(target=read_printer, daemon=True).start()
log = open(os.path.join(folder, "daemon.log"), "w")
daemon = subprocess.Popen([kiosk, "run", "--config", os.path.join(folder, "kiosk.toml"), "--log-level", "warning"],
                          stderr=log, stdout=subprocess.DEVNULL)
try:
    writers = []
    deadline = time.monotonic() + 30
    for i in range(keypads):
        while True:
            try:
                writers.append(os.open(os.path.join(folder, f"keypad-{i}"), os.O_WRONLY | os.O_NONBLOCK))
                break
            except OSError:
                if time.monotonic() > deadline or daemon.poll() is not None:
                    sys.exit(f"press_path: the daemon did not open its keypads; its log: {folder}/daemon.log")
                time.sleep(0.01)
    time.sleep(1)
    disk = fdatasync_latencies(folder, 5)
    sync_p50, sync_p99 = at(disk, 0.5), at(disk, 0.99)
    pressed = []
    start = time.monotonic()
    for n in range(presses):
        due = start + n / rate
        while time.monotonic() < due:
            time.sleep(max(0, min(0.0005, due - time.monotonic())))
        pressed.append(time.monotonic())
        os.write(writers[n % keypads], event(KEY_KP1, 1, time.time()) + event(KEY_KP1, 0, time.time()))
    stop = time.monotonic() + 10
    while len(cuts) < presses and time.monotonic() < stop:
        time.sleep(0.01)
finally:
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=20)
    stopping.set()

if len(cuts) != presses:
    sys.exit(f"press_path: {len(cuts)} tickets for {presses} presses; the daemon's log: {folder}/daemon.log")
latencies = sorted((c - p) * 1000 for p, c in zip(pressed, cuts))
p50, p99 = at(latencies, 0.5), at(latencies, 0.99)
print(f"{rate:g}/s\t{keypads}\t{presses}\t{p50:.2f}\t{p99:.2f}\t{latencies[-1]:.2f}\t{sync_p50:.2f}\t{sync_p99:.2f}"
      f"\t{p50 - sync_p50:.2f}\t{p99 - sync_p99:.2f}")
subprocess.run(["rm", "-rf", folder])
