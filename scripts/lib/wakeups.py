"""Wakeups per second of an idle process: context switches of all its threads over a window.

Usage: wakeups.py PID SECONDS. Prints the total and the busiest threads.
"""
import glob
import sys
import time

pid, seconds = int(sys.argv[1]), float(sys.argv[2])


def switches():
    counts = {}
    for status in glob.glob(f"/proc/{pid}/task/*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in open(status).read().splitlines() if ":\t" in line)
        except OSError:
            continue
        counts[(status.split("/")[4], fields["Name"].strip())] = (int(fields["voluntary_ctxt_switches"])
                                                                  + int(fields["nonvoluntary_ctxt_switches"]))
    return counts


before = switches()
time.sleep(seconds)
after = switches()
per_thread = sorted(((after[k] - before.get(k, 0)) / seconds, k[1]) for k in after)
total = sum(rate for rate, _ in per_thread)
busiest = ", ".join(f"{name} {rate:.1f}" for rate, name in reversed(per_thread[-4:]) if rate > 0)
print(f"idle wakeups: {total:.1f} per second over {seconds:.0f} s ({len(after)} threads; busiest: {busiest or 'none'})")
