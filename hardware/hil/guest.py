"""The QEMU guest of the hardware-in-the-loop tests, seen from the host: start and stop it,
run commands in it, press keys on its USB keypads, plug devices in and out (QMP)."""
import base64
import itertools
import os
import select
import subprocess
import time

from qmp import Qmp, QmpError, connect_unix


class GuestError(Exception):
    pass


def kvm_usable():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
        return True
    except OSError:
        return False


class Guest:
    # The USB host controller sits at a fixed PCI slot so that the guest's by-path names are stable.
    XHCI_SLOT = 5

    def __init__(self, work, repo, kernel, initramfs, keypads, printer_socket):
        """keypads: (id, serial, port) of each USB keypad; printer_socket: the unix socket QEMU
        listens on for the USB-serial printer's far end."""
        self.work, self.repo = work, repo
        self.kernel, self.initramfs = kernel, initramfs
        self.keypads = keypads
        self.printer_socket = printer_socket
        self.ids = itertools.count(1)
        self.process = None
        self.accelerator = "kvm" if kvm_usable() else "tcg"

    # -- life --------------------------------------------------------------------------

    def start(self, timeout=120):
        """Boots the guest; returns the seconds until its agent answered."""
        started = time.monotonic()
        qmp_path, ctl_path = os.path.join(self.work, "qmp.sock"), os.path.join(self.work, "ctl.sock")
        for path in (qmp_path, ctl_path, self.printer_socket):
            if os.path.exists(path):
                os.unlink(path)
        kvm = self.accelerator == "kvm"
        args = ["qemu-system-x86_64", "-accel", self.accelerator, "-cpu", "qemu64" if kvm else "max",
                "-m", "1024", "-smp", "2" if kvm else "1",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", self.kernel, "-initrd", self.initramfs,
                "-append", f"console=ttyS0 quiet panic=-1 hil_repo={self.repo}",
                "-serial", "file:" + os.path.join(self.work, "console.log"),
                "-qmp", f"unix:{qmp_path},server=on,wait=off",
                "-fsdev", "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=host",
                "-device", "virtio-serial-pci",
                "-chardev", f"socket,id=ctl,path={ctl_path},server=on,wait=off",
                "-device", "virtserialport,chardev=ctl,name=ctl",
                "-device", f"qemu-xhci,id=xhci,p2=8,p3=0,addr={self.XHCI_SLOT:#x}",
                "-chardev", f"socket,id=printer,path={self.printer_socket},server=on,wait=off",
                "-device", "usb-serial,id=printer,bus=xhci.0,port=8,chardev=printer,always-plugged=off"]
        # Each keypad is bound to a display of its own, so that QMP can press keys on one keypad only.
        for name, _, _ in self.keypads:
            args += ["-device", f"bochs-display,id=display-{name}", "-device", self.keypad_device(name)]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=open(os.path.join(self.work, "qemu.log"), "wb"),
                                        stderr=subprocess.STDOUT)
        try:
            self.qmp = Qmp(qmp_path, timeout=10)
            self.ctl = connect_unix(ctl_path, timeout=10)
        except QmpError as error:
            raise GuestError(str(error)) from None
        self.ctl_buffer = b""
        deadline = started + timeout
        while True:
            try:
                self.run("true", timeout=2)
                break
            except GuestError:
                if time.monotonic() > deadline or self.process.poll() is not None or self._accelerator_failed():
                    raise GuestError("the guest did not come up:\n" + self.console_tail())
        return time.monotonic() - started

    def _accelerator_failed(self):
        try:
            with open(os.path.join(self.work, "qemu.log"), errors="replace") as f:
                return "KVM internal error" in f.read()
        except OSError:
            return False

    def keypad_device(self, name):
        serial, port = next((s, p) for n, s, p in self.keypads if n == name)
        return f"usb-kbd,id={name},bus=xhci.0,port={port},serial={serial},display=display-{name}"

    def stop(self):
        if self.process and self.process.poll() is None:
            try:
                self.command("quit")
            except Exception:
                pass
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def console_tail(self, lines=40):
        try:
            with open(os.path.join(self.work, "console.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no console log)"

    # -- the control port ------------------------------------------------------------------

    def run(self, script, timeout=60, check=True):
        """Runs a bash script in the guest; returns its output (stdout and stderr)."""
        ident = str(next(self.ids))
        self.ctl.sendall(f"{ident} {base64.b64encode(script.encode()).decode()}\n".encode())
        deadline = time.monotonic() + timeout
        while True:
            line = self._control_line(deadline)
            if line is None:
                raise GuestError(f"no answer in {timeout} s to: {script}")
            got, status, output = (line.split(" ", 2) + [""])[:3]
            if got == ident:
                break
        text = base64.b64decode(output).decode(errors="replace")
        if check and status != "0":
            raise GuestError(f"guest command failed ({status}): {script}\n{text}")
        return text

    def _control_line(self, deadline):
        while b"\n" not in self.ctl_buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.ctl], [], [], left)[0]:
                return None
            try:
                chunk = self.ctl.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise GuestError("the control port closed")
            self.ctl_buffer += chunk
        line, _, self.ctl_buffer = self.ctl_buffer.partition(b"\n")
        return line.decode("ascii", errors="replace")

    def read_file(self, path):
        return base64.b64decode(self.run(f"base64 -w0 {path}"))

    # -- QMP -------------------------------------------------------------------------------

    def command(self, name, **arguments):
        try:
            return self.qmp.command(name, **arguments)
        except QmpError as error:
            raise GuestError(str(error)) from None

    def key(self, keypad, qcode, down):
        self.qmp.key(f"display-{keypad}", qcode, down)

    def press(self, keypad, qcode, hold=0.03):
        self.qmp.press(f"display-{keypad}", qcode, hold)

    # QEMU's names for the keys a barcode scanner types.
    QCODES = {".": "dot", "-": "minus", "\n": "ret"}

    def type_text(self, keypad, text):
        """Types `text` and Enter as a scanner does: capitals with Shift held."""
        for ch in text + "\n":
            qcode = self.QCODES.get(ch, ch.lower())
            if ch.isupper():
                self.key(keypad, "shift", True)
            self.press(keypad, qcode, hold=0.01)
            if ch.isupper():
                self.key(keypad, "shift", False)

    def unplug(self, keypad):
        self.command("device_del", id=keypad)

    def plug(self, keypad):
        driver, _, rest = self.keypad_device(keypad).partition(",")
        options = dict(item.split("=", 1) for item in rest.split(","))
        self.command("device_add", driver=driver, **options)
