#!/usr/bin/env python3
"""A machine on the path posing as the province's PostgreSQL server, for the attack tests.

    fake_postgres.py MODE CAPTURE [CERT KEY]

MODE: refuse-tls (answers N to TLS, asks for the password in clear), cleartext or md5 (takes
TLS when asked if CERT and KEY are given, else refuses it; then asks for the password in clear
or as MD5). It prints "ready PORT", serves connections until killed, and appends to CAPTURE
every byte a client sends after being asked for its password: a client that keeps its
password leaves it empty.
"""
import socket
import ssl
import struct
import sys

mode, capture = sys.argv[1], sys.argv[2]
context = None
if len(sys.argv) > 4 and mode != "refuse-tls":
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[3], sys.argv[4])

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(8)
print("ready", listener.getsockname()[1], flush=True)


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def serve(conn):
    conn.settimeout(5)
    length, code = struct.unpack("!ii", read_exactly(conn, 8))
    if code == 80877103:  # SSLRequest
        if context is None:
            conn.sendall(b"N")
        else:
            conn.sendall(b"S")
            conn = context.wrap_socket(conn, server_side=True)
        length, code = struct.unpack("!ii", read_exactly(conn, 8))
    read_exactly(conn, length - 8)  # the startup message's parameters
    if mode == "md5":
        conn.sendall(b"R" + struct.pack("!ii", 12, 5) + b"salt")
    else:
        conn.sendall(b"R" + struct.pack("!ii", 8, 3))
    received = b""
    try:
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                break
            received += chunk
    except (socket.timeout, OSError):
        pass
    with open(capture, "ab") as out:
        out.write(received)


while True:
    conn, _ = listener.accept()
    try:
        serve(conn)
    except Exception as error:  # a client that hangs up, a failed handshake
        with open(capture + ".log", "a") as log:
            log.write(f"{type(error).__name__}: {error}\n")
    finally:
        try:
            conn.close()
        except OSError:
            pass
