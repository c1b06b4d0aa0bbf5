"""The far end of the guest's USB-serial printer: a thread on the host that reads what the
daemon sends, answers its DLE EOT status queries like an Epson printer, and cuts the
stream into tickets at each paper cut."""
import os
import socket
import threading
import time

DLE_EOT = b"\x10\x04"
CUTS = (b"\x1dVB\x00", b"\x1dVA\x00")
OK = 0x12  # a status byte with only its fixed bits: online, cover shut, paper present


class SerialPrinter:
    def __init__(self, path):
        self.path = path
        self.paper_end = False
        self.tickets = []
        self.queries = 0
        self.lock = threading.Condition()
        self.sock = None
        self.thread = None

    def connect(self, timeout=10):
        """Connects to QEMU's socket: the USB-serial adapter is plugged in the guest."""
        deadline = time.monotonic() + timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.path)
                break
            except OSError:
                sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock = sock
        self.thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self.thread.start()

    def disconnect(self):
        """Closes the socket: QEMU unplugs the adapter and the guest's port disappears."""
        if self.sock:
            self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
            self.thread.join(5)
            self.sock = None

    def _reply(self, query):
        if not self.paper_end:
            return OK
        return {1: OK, 2: OK | 0x20, 4: OK | 0x60}.get(query, OK)  # 2: stopped by paper end; 4: sensor says no paper

    def _serve(self, sock):
        pending, ticket = b"", b""
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
            while pending:
                if not ticket and pending.startswith(DLE_EOT):
                    if len(pending) < 3:
                        break
                    sock.sendall(bytes([self._reply(pending[2])]))
                    with self.lock:
                        self.queries += 1
                    pending = pending[3:]
                    continue
                if not ticket and len(pending) < 2:
                    break
                ticket += pending
                pending = b""
                ends = [ticket.find(c) for c in CUTS if c in ticket]
                if ends:
                    end = min(ends) + 4
                    with self.lock:
                        self.tickets.append(ticket[:end])
                        self.lock.notify_all()
                    pending, ticket = ticket[end:], b""

    def wait_tickets(self, count, timeout):
        """The first `count` tickets received, waiting up to `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.tickets) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the printer got {len(self.tickets)} tickets, {count} expected within {timeout} s")
                self.lock.wait(left)
            return list(self.tickets)
