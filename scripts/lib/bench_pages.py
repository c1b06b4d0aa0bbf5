"""The staff pages' figures against a running daemon on a year of a busy centre.

Usage: bench_pages.py PORT KIOSK CONFIG DAEMON_PID
Prints: login (bcrypt verify) p50/p99; dashboard and reports time to first byte p50/p99, while
the hall is busy (a ticket issued and called every 100 ms, so the dashboard is rebuilt as
it would be); the year's raw ratings over HTTP against `kiosk export`; the daemon's RSS.
"""
import http.client
import re
import subprocess
import sys
import threading
import time

port, kiosk, config, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def request(method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.perf_counter()
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    first = r.read(1)
    ttfb = time.perf_counter() - start
    rest = r.read()
    total = time.perf_counter() - start
    c.close()
    return r, first + rest, ttfb, total


def login(user, password):
    r, body, _, _ = request("GET", "/login")
    cookie = r.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf" value="([0-9a-f]+)"', body).group(1).decode()
    start = time.perf_counter()
    r, _, _, _ = request("POST", "/login", f"username={user}&password={password}&csrf={token}",
                         {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                          "Origin": f"http://127.0.0.1:{port}"})
    elapsed = time.perf_counter() - start
    assert r.status == 303, r.status
    return r.getheader("Set-Cookie").split(";")[0], elapsed


idle_before = rss_mb()
logins = [login("leader", "leader-password-1")[1] * 1000 for _ in range(30)]
session, _ = login("leader", "leader-password-1")
print(f"login (bcrypt verify, the configured cost), 30 logins: p50 {pct(logins, .5):.0f} ms, p99 {pct(logins, .99):.0f} ms")

busy = True


def hall():
    n = 0
    while busy:
        subprocess.run([kiosk, "counter", "--config", config, "issue", "A"], capture_output=True)
        if n % 2 == 0:
            subprocess.run([kiosk, "counter", "--config", config, "next", "1"], capture_output=True)
        n += 1
        time.sleep(0.1)


subprocess.run([kiosk, "officer", "sign-in", "--config", config, "--counter", "1", "officer1"], capture_output=True)
threading.Thread(target=hall, daemon=True).start()
request("GET", "/dashboard", headers={"Cookie": session})  # the first copy
for path in ["/dashboard", "/reports"]:
    ttfbs = []
    for _ in range(200):
        r, _, ttfb, _ = request("GET", path, headers={"Cookie": session})
        assert r.status == 200, (path, r.status)
        ttfbs.append(ttfb * 1000)
        time.sleep(0.02)
    print(f"{path} while the hall is busy, 200 loads: first byte p50 {pct(ttfbs, .5):.1f} ms, p99 {pct(ttfbs, .99):.1f} ms")
busy = False

year = "from=2026-01-01&to=2026-12-31"
start = time.perf_counter()
subprocess.run([kiosk, "export", "--config", config, "--from", "2026-01-01", "--to", "2026-12-31", "--rows", "ratings",
                "--out", "/dev/null"], check=True)
cli = time.perf_counter() - start
r, body, _, over_http = request("GET", f"/api/export?{year}&rows=ratings", headers={"Cookie": session})
assert r.status == 200
print(f"raw ratings of the year: kiosk export {cli:.2f} s, over HTTP {over_http:.2f} s "
      f"({(over_http / cli - 1) * 100:+.0f} %), {len(body) / 1e6:.1f} MB")
time.sleep(5)
print(f"daemon RSS: {idle_before:.1f} MB idle before any page, {rss_mb():.1f} MB idle after the pages were used")
