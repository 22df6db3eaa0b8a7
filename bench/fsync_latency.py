"""How long one durable write costs on this disk: append a 445-byte record (one spooled /v1/chat)
and fsync, N times, sequentially; prints p50/p99 in ms. The floor under any "2xx means stored"
request on this machine, whether the fsync is the service's spool or the database's journal.
usage: python3 bench/fsync_latency.py [DIR (default /tmp)] [N (default 500)]"""
import os
import sys
import tempfile
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
record = b"x" * 445
with tempfile.NamedTemporaryFile(dir=directory) as f:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f.write(record)
        f.flush()
        os.fsync(f.fileno())
        times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"fsync of a 445-byte append, {n} times in {directory}: p50 {times[n // 2]:.2f} ms, "
      f"p90 {times[int(n * 0.9)]:.2f} ms, p99 {times[int(n * 0.99)]:.2f} ms")
