"""Time from starting `kiosk run` to its READY=1 (systemd's notify protocol), as systemd sees it.

Usage: ready_time.py KIOSK CONFIG [RUNS]. Prints the runs' times and stops the daemon after each.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

kiosk, config = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
times = []
for _ in range(runs):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    listener.settimeout(30)
    start = time.perf_counter()
    daemon = subprocess.Popen([kiosk, "run", "--config", config, "--log-level", "warning"],
                              env=dict(os.environ, NOTIFY_SOCKET=path), stderr=subprocess.DEVNULL)
    while True:
        message = listener.recv(4096).decode()
        if message.startswith("READY=1"):
            times.append(time.perf_counter() - start)
            break
    daemon.terminate()
    daemon.wait()
    listener.close()
    os.unlink(path)
    os.rmdir(folder)
print("start to READY=1: " + ", ".join(f"{t:.2f} s" for t in times))
