#!/usr/bin/env python3
"""A burst of half-open connections against the gateway binary, and what it leaves behind.

Starts `connectors-gateway --port 0` (default serving limits), opens N connections that each
send half a request head and nothing more, waits until the gateway has closed all of them
(its header-read timeout), and prints the gateway's resident memory and open descriptors
before, at the peak, and 1, 7 and 15 s after. Run by hand (not a test: figures of one
machine):

    ulimit -n 20000
    python3 gateway/benches/half_open_burst.py target/debug/connectors-gateway 15000
"""
import os
import re
import socket
import subprocess
import sys
import time


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/connectors-gateway"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 15000
    gateway = subprocess.Popen([binary, "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    port = None
    for line in gateway.stdout:
        found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            break
    if port is None:
        sys.exit("the gateway did not say where it listens")

    def rss_mib():
        with open(f"/proc/{gateway.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) // 1024
        return 0

    def descriptors():
        return len(os.listdir(f"/proc/{gateway.pid}/fd"))

    try:
        time.sleep(2)
        print(f"before: RSS {rss_mib()} MiB, {descriptors()} descriptors")
        sockets = []
        started = time.time()
        for _ in range(count):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            sockets.append(s)
        time.sleep(1)
        for s in sockets:
            try:
                s.send(b"GET /api/v1/tools/list HTTP/1.1\r\nHost: x\r\n")
            except OSError:
                pass
        open_sockets = set(sockets)
        peak_rss, peak_fds = 0, 0
        while open_sockets and time.time() - started < 120:
            for s in list(open_sockets):
                try:
                    if s.recv(1) == b"":
                        open_sockets.discard(s)
                        s.close()
                except BlockingIOError:
                    pass
                except OSError:
                    open_sockets.discard(s)
                    s.close()
            peak_rss, peak_fds = max(peak_rss, rss_mib()), max(peak_fds, descriptors())
            time.sleep(0.5)
        closed = count - len(open_sockets)
        print(f"{closed} of {count} closed by the gateway within {time.time() - started:.1f} s;"
              f" peak: RSS {peak_rss} MiB, {peak_fds} descriptors")
        waited = 0
        for after in (1, 7, 15):
            time.sleep(after - waited)
            waited = after
            print(f"{after} s after: RSS {rss_mib()} MiB, {descriptors()} descriptors")
    finally:
        gateway.kill()


if __name__ == "__main__":
    main()
