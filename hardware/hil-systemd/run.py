#!/usr/bin/env python3
"""Boots the disk image made by scripts/hil-systemd (Debian 12, systemd as init, the kiosk
package installed) under QEMU with one USB keypad and a USB-serial printer, as the hall's box
would have them. Inside, kiosk-hil runs the checks and prints "HIL-SYSTEMD: ..." lines on the
serial console; this side follows the console, presses a key when asked ("HIL-SYSTEMD: PRESS
kp_1") and, once the guest is off, decodes what its end of the printer received."""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hil"))
from printer import SerialPrinter  # noqa: E402
from qmp import Qmp  # noqa: E402

KEYPAD_DISPLAY = "display-kiosk"
# What the guest's key presses must have printed, in order: three A tickets, one after the
# SIGKILL restart, then service C added by the reload.
EXPECTED = ["A001", "A002", "A003", "A004", "C001", "A001", "A005"]


def boot(args):
    for name in ("qmp.sock", "printer.sock", "console.log"):
        path = os.path.join(args.work, name)
        if os.path.exists(path):
            os.unlink(path)
    qemu = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "1024", "-smp", "2",
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", args.kernel, "-initrd", args.initrd, "-append", "root=/dev/vda rw console=ttyS0 quiet",
            "-drive", f"file={args.disk},format=raw,if=virtio",
            "-serial", "file:" + os.path.join(args.work, "console.log"),
            "-qmp", f"unix:{os.path.join(args.work, 'qmp.sock')},server=on,wait=off",
            # The same USB layout as scripts/hil: the controller at PCI slot 5, the keypad on port 1,
            # the printer's USB-serial adapter on port 8, so the udev rule names them by ID_PATH.
            "-device", "qemu-xhci,id=xhci,p2=8,p3=0,addr=0x5",
            "-chardev", f"socket,id=printer,path={os.path.join(args.work, 'printer.sock')},server=on,wait=off",
            "-device", "usb-serial,id=printer,bus=xhci.0,port=8,chardev=printer,always-plugged=off",
            "-device", f"bochs-display,id={KEYPAD_DISPLAY}",
            "-device", f"usb-kbd,id=kiosk,bus=xhci.0,port=1,serial=KP1,display={KEYPAD_DISPLAY}"]
    return subprocess.Popen(qemu, stdin=subprocess.DEVNULL, stdout=open(os.path.join(args.work, "qemu.log"), "wb"),
                            stderr=subprocess.STDOUT)


def decode(kiosk, data):
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(data)
        f.flush()
        return subprocess.run([kiosk, "read-print", "--profile", "epson-tm-t82", f.name], check=True,
                              capture_output=True, text=True).stdout.splitlines()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--disk", required=True)
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--initrd", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--kiosk", required=True, help="a kiosk binary on this machine, to decode the printer's bytes")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("hil-systemd: stopped by SIGTERM"))
    qemu = boot(args)
    passed = False
    try:
        qmp = Qmp(os.path.join(args.work, "qmp.sock"))
        printer = SerialPrinter(os.path.join(args.work, "printer.sock"))
        printer.connect()
        deadline = time.monotonic() + args.timeout
        console_path, offset, pending = os.path.join(args.work, "console.log"), 0, b""
        while qemu.poll() is None and time.monotonic() < deadline:
            with open(console_path, "rb") as console:
                console.seek(offset)
                chunk = console.read()
            offset += len(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                line = raw.decode(errors="replace").strip()
                if "HIL-SYSTEMD:" not in line:
                    continue
                message = line[line.index("HIL-SYSTEMD:"):]
                print(message, flush=True)
                passed = passed or message == "HIL-SYSTEMD: PASS"
                if message.startswith("HIL-SYSTEMD: PRESS "):
                    qmp.press(KEYPAD_DISPLAY, message.split()[-1])
            time.sleep(0.1)
        if qemu.poll() is None:
            print(f"HIL-SYSTEMD: FAIL the guest did not finish within {args.timeout:.0f} s", flush=True)
            passed = False
        numbers = []
        for ticket in printer.tickets:
            lines = decode(args.kiosk, ticket)
            numbers.append(next((n for n in lines if n in EXPECTED), "?"))
            if "Chứng thực" not in "\n".join(lines) and "Đất đai" not in "\n".join(lines):
                print("HIL-SYSTEMD: FAIL a ticket without its service's Vietnamese name:\n" + "\n".join(lines), flush=True)
                passed = False
        if numbers != EXPECTED:
            print(f"HIL-SYSTEMD: FAIL the printer got {numbers}, not {EXPECTED}", flush=True)
            passed = False
        else:
            print(f"HIL-SYSTEMD: ok the printer (host side of /dev/kiosk/printer) got {' '.join(numbers)}, each cut", flush=True)
    finally:
        if qemu.poll() is None:
            qemu.kill()
        qemu.wait()
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
