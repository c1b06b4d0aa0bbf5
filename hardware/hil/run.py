#!/usr/bin/env python3
"""Hardware in the loop: boots Debian's kernel under QEMU with four USB keypads, a barcode scanner and a
USB-serial printer, runs the host-built kiosk daemon inside it, and checks what a person
would see. Run by scripts/hil; prints the boot time and each scenario's time."""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest import Guest, GuestError  # noqa: E402
from printer import SerialPrinter  # noqa: E402

KEYPADS = [("kiosk", "KP1", 1), ("officer-2", "KP2", 2), ("rating-1", "KP3", 3), ("rating-2", "KP4", 4),
           ("scanner-2", "SC2", 5)]
BY_PATH = "/dev/input/by-path/pci-0000:00:05.0-usb-0:{}:1.0-event-kbd"
PRINTER_PORT = "/dev/serial/by-path/pci-0000:00:05.0-usb-0:8:1.0-port0"


def wait_for(what, check, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(interval)


class Hall:
    """The guest with the daemon in it, and the host's end of the printer."""

    def __init__(self, args):
        self.repo = args.repo
        self.kiosk = args.kiosk
        self.config = os.path.join(self.repo, "hardware/hil/guest.toml")
        self.work = args.work
        self.printer = SerialPrinter(os.path.join(self.work, "printer.sock"))
        self.guest = Guest(self.work, self.repo, args.kernel, args.initramfs, KEYPADS, self.printer.path)
        if args.accelerator:
            self.guest.accelerator = args.accelerator

    # -- the guest -------------------------------------------------------------------------

    def sh(self, script, **options):
        return self.guest.run(script, **options)

    def run_kiosk(self, arguments, config=None):
        return self.sh(f"{self.kiosk} {arguments} --config {config or self.config}")

    def wait_devices(self, paths, timeout=30):
        """Until udev has made every stable name (it can miss devices that appear while it starts)."""
        test = " && ".join(f"[ -e {p} ]" for p in paths)
        wait_for("udev's stable device names " + " ".join(paths),
                 lambda: self.sh(f"{test} && echo yes || {{ udevadm trigger --action=add --subsystem-match=input "
                                 f"--subsystem-match=tty; udevadm settle -t 5; }}", check=False).strip() == "yes", timeout, 0.5)

    def wait_devices_gone(self, paths, timeout=30):
        test = " || ".join(f"[ -e {p} ]" for p in paths)
        wait_for("gone: " + " ".join(paths), lambda: self.sh(f"{test} || echo gone", check=False).strip() == "gone", timeout, 0.5)

    def start_daemon(self, config, log="/run/hil/daemon.log"):
        self.daemon_log_path = log
        self.sh(f"mkdir -p /run/hil; setsid -f sh -c 'echo $$ > /run/hil/daemon.pid; exec {self.kiosk} run --config {config} > {log} 2>&1'")
        wait_for("the daemon's web server", lambda: "hall display ready" in self.log(), 60, 0.5)

    def stop_daemon(self):
        self.sh("kill -TERM $(cat /run/hil/daemon.pid); for i in $(seq 100); do kill -0 $(cat /run/hil/daemon.pid) 2>/dev/null || exit 0; sleep 0.1; done; exit 1")

    def daemon_running(self):
        return self.sh("kill -0 $(cat /run/hil/daemon.pid) && echo running", check=False).strip() == "running"

    def log(self):
        return self.sh(f"cat {self.daemon_log_path}", check=False)

    def log_count(self, text):
        return self.log().count(text)

    def health(self):
        # bash's /dev/tcp: the guest has no curl
        raw = self.sh("exec 5<>/dev/tcp/127.0.0.1/8080; printf 'GET /health HTTP/1.1\\r\\nHost: hil\\r\\nConnection: close\\r\\n\\r\\n' >&5; timeout 5 cat <&5 || true")
        return json.loads(raw.split("\r\n\r\n", 1)[1])

    def device_health(self, name):
        return next((d for d in self.health()["devices"] if d.get("device") == name), None)

    def ticket_count(self, config=None):
        rows = self.run_kiosk("export --from 2000-01-01 --to 2100-12-31 --rows tickets --format json", config)
        return len(json.loads(rows))

    # -- the host --------------------------------------------------------------------------

    def read_ticket(self, data):
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            f.write(data)
            f.flush()
            return subprocess.run([self.kiosk, "read-print", "--profile", "epson-tm-t82", f.name], check=True,
                                  capture_output=True, text=True).stdout.splitlines()


# The guest's [rating] handover_seconds: for this long after a call, a press belongs to the
# citizen who just finished.
HANDOVER_SECONDS = 3


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


# -- the scenarios, in order: each leaves the hall as the next expects it ----------------------

def a_key_press_prints_a_ticket(hall):
    hall.guest.press("kiosk", "kp_1")
    ticket = hall.printer.wait_tickets(1, 20)[0]
    lines = hall.read_ticket(ticket)
    text = "\n".join(lines)
    expect("A001" in lines, f"the ticket shows A001 on a line of its own:\n{text}")
    expect("Chứng thực" in text, f"the ticket names the service in Vietnamese:\n{text}")
    expect("Trung tâm Phục vụ hành chính công xã Tân Phú" in text, f"the centre's name:\n{text}")
    expect(lines[-1] == "[cut]", "the ticket is cut")
    return f"A001, {len(ticket)} bytes, {len(lines)} lines decoded"


def a_rating_credits_the_officer_at_its_counter(hall):
    hall.run_kiosk("officer add nguyen.van.an 'Nguyễn Văn An'")
    hall.run_kiosk("officer sign-in --counter 2 nguyen.van.an")
    hall.guest.press("officer-2", "kp_enter")
    wait_for("A001 called at counter 2", lambda: "ticketCalled" in hall.log(), 15)
    hall.guest.press("rating-2", "kp_1")
    hall.guest.press("rating-1", "kp_1")  # counter 1 serves nobody: stored, flagged, not counted
    wait_for("both rating presses stored", lambda: hall.log_count("ratingRecorded") >= 2, 15)
    report = json.loads(hall.run_kiosk("export --from 2000-01-01 --to 2100-12-31 --by counter --format json"))
    counters = {row["key"]: row["levelCounts"] for row in report["rows"]}
    expect(counters.get("2") == [1, 0, 0], f"counter 2 has one 'Rất hài lòng': {counters}")
    expect(sum(counters.get("1", [0])) == 0, f"counter 1 gets nothing: {counters}")
    officers = json.loads(hall.run_kiosk("export --from 2000-01-01 --to 2100-12-31 --by officer --format json"))
    credited = {row["key"]: row["levelCounts"] for row in officers["rows"]}
    expect(credited.get("nguyen.van.an") == [1, 0, 0], f"the officer is credited: {credited}")
    presses = json.loads(hall.run_kiosk("export --from 2000-01-01 --to 2100-12-31 --rows ratings --format json"))
    flags = sorted((p["counter"], p["flag"]) for p in presses)
    expect(flags == [(1, "unlinked"), (2, None)], f"the stray press is kept, flagged: {flags}")
    return "counter 2 / nguyen.van.an: [1, 0, 0]; counter 1: nothing counted, its press flagged unlinked"


def a_held_key_counts_once(hall):
    devices = hall.sh("cat /proc/bus/input/devices")
    block = next(b for b in devices.split("\n\n") if "KP1" in b)
    ev = int(next(l for l in block.splitlines() if l.startswith("B: EV=")).split("=")[1], 16)
    expect(ev & (1 << 0x14), "the kiosk keypad autorepeats (EV_REP): holding a key sends repeats")
    before = hall.ticket_count()
    hall.guest.press("kiosk", "kp_2", hold=1.5)  # the kernel repeats after 250 ms, 33 times a second
    tickets = hall.printer.wait_tickets(2, 20)
    time.sleep(2)
    expect(len(hall.printer.tickets) == 2, f"one ticket for one held key, got {len(hall.printer.tickets) - 1}")
    expect("B001" in hall.read_ticket(tickets[1]), "the held key's ticket is B001")
    expect(hall.ticket_count() == before + 1, "one ticket stored")
    return "1.5 s hold → B001 only"


def a_keypad_unplugged_and_back(hall):
    rating2 = BY_PATH.format(4)
    hall.guest.unplug("rating-2")
    wait_for("the daemon reports the lost keypad", lambda: "keypad unavailable" in hall.log(), 20)
    expect(hall.daemon_running(), "the daemon keeps running")
    state = hall.device_health("keypad rating-2")
    expect(state and state["state"] == "unavailable", f"/health shows the keypad missing: {state}")
    ready_before = hall.log_count("keypad ready")
    hall.guest.plug("rating-2")
    hall.wait_devices([rating2])
    wait_for("the keypad reopened", lambda: hall.log_count("keypad ready") > ready_before, 20)
    state = hall.device_health("keypad rating-2")
    expect(state and state["state"] == "ok", f"/health shows it back: {state}")
    # The officer finishes A001 and calls B001 at once; the press right after is still the
    # leaving citizen's (already rated: not counted), the press once B001 has sat down counts.
    hall.guest.press("officer-2", "kp_multiply")
    hall.guest.press("officer-2", "kp_enter")
    wait_for("B001 called", lambda: hall.log_count("ticketCalled") >= 2, 15)
    hall.guest.press("rating-2", "kp_3")
    wait_for("the leaving citizen's press stored", lambda: hall.log_count("ratingRecorded") >= 3, 15)
    time.sleep(HANDOVER_SECONDS + 0.5)  # the rule is about time: B001 is seated now
    hall.guest.press("rating-2", "kp_2")
    wait_for("the rating after the return stored", lambda: hall.log_count("ratingRecorded") >= 4, 15)
    report = json.loads(hall.run_kiosk("export --from 2000-01-01 --to 2100-12-31 --by counter --format json"))
    counters = {row["key"]: row["levelCounts"] for row in report["rows"]}
    expect(counters.get("2") == [1, 1, 0], f"counter 2 now has B001's 'Hài lòng' too: {counters}")
    presses = json.loads(hall.run_kiosk("export --from 2000-01-01 --to 2100-12-31 --rows ratings --format json"))
    late = [(p["ticket"], p["level"], p["flag"]) for p in presses if p["counter"] == 2][-2:]
    expect(late == [("A001", 3, "alreadyRated"), ("B001", 2, None)], f"each press credited to who pressed: {late}")
    return "reported unavailable, reopened; after next, A001's second press kept apart, B001's rating counted"


def a_scanner_links_a_dossier(hall):
    """A USB barcode scanner is a keyboard to the kernel: it types the receipt's code, capitals
    with Shift, then Enter. The code belongs to the ticket served at its counter (B001 at 2)."""
    code = "000.00.12.H56-250701-0001"
    hall.guest.type_text("scanner-2", code)
    wait_for("the dossier linked", lambda: "dossierLinked" in hall.log(), 15)
    rows = json.loads(hall.run_kiosk("export --from 2000-01-01 --to 2100-12-31 --rows dossiers --format json"))
    linked = [(r["dossier"], r["ticket"], r["counter"], r["level"]) for r in rows]
    expect(linked == [(code, "B001", 2, 2)], f"the export links the dossier to B001 and its rating: {linked}")
    expect("does not look like a dossier code" not in hall.log(), "a national code is not warned about")
    return f"{code} → B001 at counter 2, with B001's rating (level 2)"


def events_the_kernel_dropped_are_not_invented(hall):
    """While the daemon is stopped (SIGSTOP) a rating keypad sends more than the kernel's
    buffer holds: the kernel drops events and says so (SYN_DROPPED). On resuming, the daemon
    must catch up with the keypad's state without counting what libevdev reports for the
    gap: key 2 went down only inside the gap, so no level-2 rating may appear."""
    def levels():
        rows = json.loads(hall.run_kiosk("export --from 2000-01-01 --to 2100-12-31 --rows ratings --format json"))
        return [r["level"] for r in rows if r["counter"] == 1]
    before = levels()
    flood = 120  # presses of keys 1 and 3, 6 kernel events each: well over the keypad's buffer
    hall.sh("kill -STOP $(cat /run/hil/daemon.pid)")
    try:
        for i in range(flood):
            hall.guest.press("rating-1", "kp_1" if i % 2 == 0 else "kp_3")
        hall.guest.key("rating-1", "kp_2", True)  # held down, then buried under another flood
        for i in range(flood):
            hall.guest.press("rating-1", "kp_1" if i % 2 == 0 else "kp_3")
    finally:
        hall.sh("kill -CONT $(cat /run/hil/daemon.pid)")
    wait_for("the daemon reports the kernel's drop", lambda: "events dropped by the kernel" in hall.log(), 20)
    hall.guest.key("rating-1", "kp_2", False)
    time.sleep(2)
    after = levels()[len(before):]
    # libevdev discards what the kernel still queued when it resynchronises: the gap is lost, not replayed.
    expect(len(after) < 2 * flood, f"presses in the kernel's gap are not all counted: {len(after)} of {2 * flood}")
    expect(2 not in after, "nothing counted from the resynchronisation: key 2 was pressed only in the gap")
    hall.guest.press("rating-1", "kp_2")
    wait_for("a press after the gap", lambda: levels()[len(before) + len(after):] == [2], 15)
    expect(hall.daemon_running(), "the daemon keeps running")
    return f"SYN_DROPPED reported, {len(after)} of {2 * flood} presses of the gap counted, none invented; the next press counted"


def paper_end_then_the_port_goes_and_returns(hall):
    printed = len(hall.printer.tickets)
    stored = hall.ticket_count()
    hall.printer.paper_end = True
    hall.guest.press("kiosk", "kp_1")
    wait_for("the refusal logged", lambda: "hết giấy" in hall.log(), 20)
    expect(hall.ticket_count() == stored, "policy refuse: no ticket stored while the paper is out")
    hall.printer.disconnect()
    hall.wait_devices_gone([PRINTER_PORT])
    refused = hall.log_count("ticket not printed")
    hall.guest.press("kiosk", "kp_1")
    wait_for("the missing printer logged", lambda: hall.log_count("ticket not printed") > refused, 20)
    expect(hall.ticket_count() == stored, "policy refuse: no ticket stored without a printer")
    expect(hall.daemon_running(), "the daemon keeps running")
    hall.printer.paper_end = False
    hall.printer.connect()
    hall.wait_devices([PRINTER_PORT])
    hall.guest.press("kiosk", "kp_1")
    ticket = hall.printer.wait_tickets(printed + 1, 20)[printed]
    expect(len(hall.printer.tickets) == printed + 1, "nothing was printed while refused")
    lines = hall.read_ticket(ticket)
    expect("A002" in lines, f"printing resumes with the next number, none lost to the refusals:\n" + "\n".join(lines))
    return "two presses refused (paper end, port gone), then A002 printed"


def a_usb_printer_class_device_prints(hall):
    hall.stop_daemon()
    hall.sh(f"bash {hall.repo}/hardware/hil/guest-usb-printer /run/hil/lp0.bin", timeout=60)
    # The same hall with the printer on /dev/usb/lp0, and a database of its own.
    config = "/run/hil/guest-usblp.toml"
    hall.sh(f"sed -e 's#^path = \"/dev/serial/by-path/.*\"#path = \"/dev/usb/lp0\"#' "
            f"-e 's#/run/hil/kiosk.sqlite#/run/hil/usblp.sqlite#' {hall.config} > {config}")
    expect("/dev/usb/lp0" in hall.sh(f"grep '^path' {config}"), "the usblp configuration names /dev/usb/lp0")
    hall.start_daemon(config, log="/run/hil/daemon-usblp.log")
    hall.guest.press("kiosk", "kp_1")
    try:
        data = wait_for("the ticket on /dev/usb/lp0", lambda: (lambda d: d if b"\x1dVB\x00" in d else None)(hall.guest.read_file("/run/hil/lp0.bin")), 30, 0.5)
    except AssertionError as error:
        raise AssertionError(f"{error}\n" + hall.sh("ls -l /run/hil /dev/usb; pgrep -a cat; dmesg | tail -n 15", check=False)) from None
    # The daemon asks for the status first; the gadget does not answer, so the reply is unknown and it prints.
    while data.startswith(b"\x10\x04"):
        data = data[3:]
    lines = hall.read_ticket(data)
    expect("A001" in lines and "Chứng thực" in "\n".join(lines), "the ticket reached /dev/usb/lp0:\n" + "\n".join(lines))
    hall.stop_daemon()
    return f"A001 through usblp, {len(data)} bytes"


SCENARIOS = [a_key_press_prints_a_ticket, a_rating_credits_the_officer_at_its_counter, a_held_key_counts_once,
             a_keypad_unplugged_and_back, a_scanner_links_a_dossier, events_the_kernel_dropped_are_not_invented,
             paper_end_then_the_port_goes_and_returns, a_usb_printer_class_device_prints]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--kiosk", required=True, help="the host-built kiosk binary")
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--initramfs", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--accelerator", choices=["kvm", "tcg"])
    args = parser.parse_args()
    # A timeout's SIGTERM must still stop QEMU (the finally below), not leave it running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("hil: stopped by SIGTERM"))
    begun = time.monotonic()
    hall = Hall(args)
    results = []
    try:
        try:
            boot = hall.guest.start(timeout=20 if hall.guest.accelerator == "kvm" else 120)  # KVM boots in a few seconds when it works
        except GuestError as error:
            if hall.guest.accelerator != "kvm" or args.accelerator:
                raise
            print("the guest did not answer within 20 s under KVM (nested KVM can exist and still fail); "
                  "using software emulation", flush=True)
            hall.guest.stop()
            hall.guest.accelerator = "tcg"
            boot = hall.guest.start(timeout=120)
        print(f"guest up in {boot:.1f} s ({hall.guest.accelerator})", flush=True)
        started = time.monotonic()
        hall.printer.connect()
        hall.wait_devices([BY_PATH.format(n) for _, _, n in KEYPADS] + [PRINTER_PORT])
        hall.start_daemon(hall.config)
        print(f"devices and daemon ready in {time.monotonic() - started:.1f} s", flush=True)
        for scenario in SCENARIOS:
            started = time.monotonic()
            try:
                detail = scenario(hall)
                results.append((scenario.__name__, time.monotonic() - started, True, detail))
            except Exception as error:  # noqa: BLE001 - every failure is reported, then the rest run
                results.append((scenario.__name__, time.monotonic() - started, False, f"{error}"))
                traceback.print_exc()
            name, seconds, passed, detail = results[-1]
            print(f"{'ok  ' if passed else 'FAIL'} {name.replace('_', ' ')} ({seconds:.1f} s): {detail}", flush=True)
            if not passed:
                break  # the scenarios build on each other
    except (GuestError, AssertionError) as error:
        print(f"FAIL the guest: {error}", flush=True)
        results.append(("guest", 0, False, str(error)))
    finally:
        try:
            for name in ("daemon.log", "daemon-usblp.log"):
                with open(os.path.join(args.work, name), "w") as f:
                    f.write(hall.sh(f"cat /run/hil/{name}", check=False, timeout=10))
        except Exception:  # noqa: BLE001 - the guest may be gone
            pass
        hall.guest.stop()
    failed = [r for r in results if not r[2]]
    ran = len(results)
    print(f"hil: {ran - len(failed)} of {len(SCENARIOS)} scenarios passed in {time.monotonic() - begun:.0f} s "
          f"({hall.guest.accelerator})" + (f"; logs in {args.work}" if failed or ran < len(SCENARIOS) else ""))
    sys.exit(1 if failed or ran < len(SCENARIOS) else 0)


if __name__ == "__main__":
    main()
