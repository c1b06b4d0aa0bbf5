"""How long this machine's disk takes to make 4 KiB durable (fdatasync), with nothing else running.

Every ticket waits for one such commit before its first byte goes to the printer (the ticket
journal), so this disk's tail is a floor under the press-to-paper tail. Usage: fsync_probe.py DIR SECONDS
(scripts/lib/press_path.py imports `fdatasync_latencies` to measure it beside the press path).
"""
import os
import sys
import tempfile
import time


def fdatasync_latencies(directory, seconds):
    """Milliseconds of each 4 KiB fdatasync for `seconds`, sorted."""
    fd, path = tempfile.mkstemp(dir=directory, prefix="fsync-probe-")
    try:
        pages = 1000  # overwrite a preallocated file, as SQLite reuses its WAL
        os.ftruncate(fd, 4096 * pages)
        os.fsync(fd)
        block = b"x" * 4096
        latencies = []
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            os.pwrite(fd, block, (len(latencies) % pages) * 4096)
            start = time.perf_counter()
            os.fdatasync(fd)
            latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(0.001)
    finally:
        os.close(fd)
        os.unlink(path)
    return sorted(latencies)


def at(latencies, q):
    return latencies[min(len(latencies) - 1, int(len(latencies) * q))]


if __name__ == "__main__":
    directory, seconds = sys.argv[1], float(sys.argv[2])
    latencies = fdatasync_latencies(directory, seconds)
    n = len(latencies)
    stalled = sum(x for x in latencies if x > 2)
    print(f"fdatasync of 4 KiB: {n} commits, p50 {at(latencies, 0.5):.2f} ms, p99 {at(latencies, 0.99):.2f} ms, "
          f"p99.9 {at(latencies, 0.999):.2f} ms, max {latencies[-1]:.1f} ms; "
          f"{sum(1 for x in latencies if x > 2) / n * 100:.2f} % over 2 ms, "
          f"{stalled / (seconds * 1000) * 100:.2f} % of the time spent in those")
