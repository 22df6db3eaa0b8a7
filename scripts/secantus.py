#!/usr/bin/env python3
"""The one SecantusDB launcher: scripts/mongo.sh, the Swift tests (Tests/TestSupport/Mongo), the e2e
suite (tests/e2e/conftest.py) and the bench (bench/stack.sh, bench/bench.py) all start SecantusDB,
the MongoDB-wire server of the project's venv, through this file. Standard library only, so any
python3 can run it.

The server always runs as
    secantusd-py --host 127.0.0.1 --port PORT --storage-path DATA --standalone --log-level WARNING
where secantusd-py is $SECANTUSD, else .venv/bin/secantusd-py of this repository
(scripts/bootstrap.sh creates it). "Answers" means a TCP connection to 127.0.0.1:PORT plus a
MongoDB `ping` (OP_MSG) that replies ok: 1.

Command line (every command closes the descriptors it inherited above 2 first, so a launcher
never keeps a caller's sockets open):
  secantus.py start [--port P] [--data DIR] [--log FILE] [--pidfile FILE] [--timeout S]
      Starts the server in the background (its own session), waits until it answers and prints
      one line: pid=PID port=PORT uri=mongodb://127.0.0.1:PORT data=DIR log=FILE. --port 0 (the
      default) picks a free port; no --data stores in a fresh temporary directory (TMP/db); no
      --log sends the server's output to DATA.log. Exit 1 with the log's tail if it exits or does
      not answer within --timeout (default 30 s).
  secantus.py stop (--pid PID | --pidfile FILE) [--timeout S]
      SIGTERM, then SIGKILL if it is still there after --timeout (default 5 s); removes the
      pidfile. Nothing running is not an error.
  secantus.py exec --port P --data DIR
      Becomes the server (exec, same pid) in the foreground: for a caller that supervises the
      process itself (the Swift tests' MongoTestServer kills, signals and reaps it directly).
  secantus.py wait --port P [--pid PID] [--timeout S]
      Exit 0 once the server answers; 1 if PID exits first or the timeout (default 30 s) passes.
  secantus.py ping --port P
      Exit 0 if the server answers now, 1 if not.
  secantus.py free-port
      Prints a loopback port that is free right now.

From Python (tests/e2e/conftest.py, bench/bench.py):
  server = secantus.start(port=0, data=None, log=None)   # a Server: pid, port, uri, data, log
  server.stop()                                          # SIGTERM, SIGKILL after 5 s, reaped
  server.kill()                                          # SIGKILL (a crash), reaped
"""

import argparse
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0


def executable() -> str:
    """$SECANTUSD, else this repository's .venv/bin/secantusd-py."""
    configured = os.environ.get("SECANTUSD")
    if configured:
        return configured
    candidate = ROOT / ".venv/bin/secantusd-py"
    if os.access(candidate, os.X_OK):
        return str(candidate)
    raise LauncherError("secantusd-py not found: set SECANTUSD or run scripts/bootstrap.sh to create .venv")


def command(port: int, data: str) -> list:
    """The server's command line: loopback only, standalone, warnings and worse in its log."""
    return [executable(), "--host", HOST, "--port", str(port), "--storage-path", str(data),
            "--standalone", "--log-level", "WARNING"]


def free_port() -> int:
    """A loopback port free right now, below Linux's ephemeral range (32768-60999): a server killed
    and started again on it must find it still free, and in the ephemeral range the kernel may
    hand it to any outgoing connection meanwhile (a restart then failed with EADDRINUSE in CI)."""
    for _ in range(200):
        port = random.randrange(20000, 32768)
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class LauncherError(Exception):
    pass


# --- "does it answer?": one OP_MSG {ping: 1, $db: "admin"} and its reply, no driver needed ---

_REQUEST_ID = 0x5ECA


def _bson_ping() -> bytes:
    elements = b"\x10ping\x00" + struct.pack("<i", 1)
    elements += b"\x02$db\x00" + struct.pack("<i", 6) + b"admin\x00"
    return struct.pack("<i", 4 + len(elements) + 1) + elements + b"\x00"


def _op_msg(document: bytes) -> bytes:
    body = struct.pack("<I", 0) + b"\x00" + document  # flagBits, section kind 0 (body)
    return struct.pack("<iiii", 16 + len(body), _REQUEST_ID, 0, 2013) + body


_PING = _op_msg(_bson_ping())
# Sizes of the BSON element types a reply may carry before "ok" (fixed-size ones).
_FIXED = {0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16}


def _reply_ok(document: bytes) -> bool:
    """Whether the top-level "ok" of a BSON document is 1."""
    i = 4
    while i < len(document) - 1:
        kind = document[i]
        end = document.index(b"\x00", i + 1)
        name = document[i + 1:end]
        i = end + 1
        if name == b"ok":
            if kind == 0x01:
                return struct.unpack_from("<d", document, i)[0] == 1.0
            if kind in (0x10, 0x12):
                return struct.unpack_from("<i" if kind == 0x10 else "<q", document, i)[0] == 1
            if kind == 0x08:
                return document[i] == 1
            return False
        if kind in _FIXED:
            i += _FIXED[kind]
        elif kind in (0x02, 0x0D, 0x0E):  # string, code, symbol
            i += 4 + struct.unpack_from("<i", document, i)[0]
        elif kind in (0x03, 0x04):  # document, array
            i += struct.unpack_from("<i", document, i)[0]
        elif kind == 0x05:  # binary
            i += 5 + struct.unpack_from("<i", document, i)[0]
        else:
            return False
    return False


def _receive(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def ping(port: int, timeout: float = 1.0) -> bool:
    """Whether 127.0.0.1:PORT accepts a connection and answers a MongoDB ping with ok: 1."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(_PING)
            length, _, response_to, opcode = struct.unpack("<iiii", _receive(sock, 16))
            body = _receive(sock, length - 16)
            return response_to == _REQUEST_ID and opcode == 2013 and body[4] == 0 and _reply_ok(body[5:])
    except (OSError, ValueError, IndexError, struct.error):
        return False


# --- processes ---

def _alive(pid: int) -> bool:
    """Whether PID exists and is not a zombie (a caller's unreaped child counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return True


def wait(port: int, timeout: float = START_TIMEOUT, pid: int = None, process: subprocess.Popen = None) -> None:
    """Returns once the server on PORT answers; raises LauncherError if the process (PID or PROCESS)
    exits first or TIMEOUT seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if ping(port, timeout=0.5):
            return
        if (process is not None and process.poll() is not None) or (pid is not None and not _alive(pid)):
            raise LauncherError(f"SecantusDB exited during start-up (port {port})")
        if time.monotonic() > deadline:
            raise LauncherError(f"SecantusDB did not answer on port {port} within {timeout:g} s")
        time.sleep(0.05)


def stop_pid(pid: int, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM, then SIGKILL if PID is still there after TIMEOUT seconds (for a process that is not
    our child: it was started by an earlier `secantus.py start`)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        while _alive(pid):
            time.sleep(0.02)


def _tail(path: str, lines: int = 20) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Server:
    """A started SecantusDB: pid, port, uri, data (its storage directory), log."""

    def __init__(self, process: subprocess.Popen, port: int, data: str, log: str):
        self.process = process
        self.pid = process.pid
        self.port = port
        self.uri = f"mongodb://{HOST}:{port}"
        self.data = data
        self.log = log

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM, then SIGKILL after TIMEOUT seconds; reaps the process. Keeps the data."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL (a crash) and reap. Keeps the data."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def describe(self) -> str:
        return f"pid={self.pid} port={self.port} uri={self.uri} data={self.data} log={self.log}"


def start(port: int = 0, data: str = None, log: str = None, timeout: float = START_TIMEOUT,
          detach: bool = False) -> Server:
    """Starts SecantusDB in the background and returns once it answers. PORT 0 picks a free port;
    no DATA makes a temporary directory T and stores in T/db; no LOG writes DATA.log (beside the
    storage directory, never inside it). DETACH puts it in its own session, so it outlives the
    caller's terminal (the command line's `start`); otherwise it is the caller's child, and a
    Ctrl-C reaches it too."""
    port = port or free_port()
    data = str(data).rstrip("/") if data else os.path.join(tempfile.mkdtemp(prefix="secantus-"), "db")
    os.makedirs(data, exist_ok=True)
    log = str(log) if log else data + ".log"
    os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)
    arguments = command(port, data)
    with open(log, "ab") as out:
        try:
            process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=detach)
        except OSError as e:
            raise LauncherError(f"cannot run {arguments[0]}: {e.strerror}") from None
    server = Server(process, port, data, log)
    try:
        wait(port, timeout=timeout, process=process)
    except LauncherError as e:
        server.stop(timeout=1)
        raise LauncherError(f"{e}; last lines of {log}:\n{_tail(log)}") from None
    return server


# --- command line ---

def main(argv=None) -> int:
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    parser = argparse.ArgumentParser(prog="secantus.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("start", help="start in the background, wait until it answers, print pid/port")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--data")
    p.add_argument("--log")
    p.add_argument("--pidfile")
    p.add_argument("--timeout", type=float, default=START_TIMEOUT)
    p = commands.add_parser("stop", help="SIGTERM, then SIGKILL after --timeout")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--pid", type=int)
    which.add_argument("--pidfile")
    p.add_argument("--timeout", type=float, default=STOP_TIMEOUT)
    p = commands.add_parser("exec", help="become the server in the foreground (same pid)")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--data", required=True)
    p = commands.add_parser("wait", help="exit 0 once the server answers")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int)
    p.add_argument("--timeout", type=float, default=START_TIMEOUT)
    p = commands.add_parser("ping", help="exit 0 if the server answers now")
    p.add_argument("--port", type=int, required=True)
    commands.add_parser("free-port", help="print a free loopback port")
    args = parser.parse_args(argv)

    try:
        if args.command == "start":
            server = start(args.port, args.data, args.log, args.timeout, detach=True)
            if args.pidfile:
                Path(args.pidfile).write_text(f"{server.pid}\n")
            print(server.describe(), flush=True)
        elif args.command == "stop":
            pid = args.pid
            if args.pidfile:
                try:
                    pid = int(Path(args.pidfile).read_text().strip())
                except (FileNotFoundError, ValueError):
                    return 0
            stop_pid(pid, args.timeout)
            if args.pidfile:
                Path(args.pidfile).unlink(missing_ok=True)
        elif args.command == "exec":
            os.makedirs(args.data, exist_ok=True)
            arguments = command(args.port, args.data)
            try:
                os.execv(arguments[0], arguments)
            except OSError as e:
                raise LauncherError(f"cannot run {arguments[0]}: {e.strerror}") from None
        elif args.command == "wait":
            wait(args.port, args.timeout, pid=args.pid)
        elif args.command == "ping":
            return 0 if ping(args.port) else 1
        elif args.command == "free-port":
            print(free_port())
    except LauncherError as e:
        print(f"[secantus] {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
