#!/usr/bin/env python3
"""Sustained provisioning through the real floorctl binary (issue 11).

Over one keep-alive HTTP connection: creates N participants in one conference
(POST /api/conferences/1/participants, the server picks the user ID) and removes them all
(DELETE .../participants/{id}); then creates M participants spread over many conferences and
removes them and the conferences. Every slice of operations reports the client's wall time and
the server's CPU time per operation, the server's RSS and the tokens it remembers.

    bench/sustained/api_sustained.py --binary build/app/floorctl --one 60000 --across 200000 \\
        --server-cpu 1 --client-cpu 0

--check makes it a test: exit status 1 unless every request got its expected status and the
server ends with no participant and no live token. Timings are reported, never asserted.
"""

import argparse
import http.client
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floorctl_process import Server  # noqa: E402


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        return r.status, r.read()


class Slicer:
    """Prints one line per `size` operations."""

    def __init__(self, server, phase, size):
        self.server, self.phase, self.size = server, phase, size
        self.done = 0
        self.mark()

    def mark(self):
        self.t, self.cpu = time.monotonic(), self.server.cpu_seconds()

    def step(self):
        self.done += 1
        if self.done % self.size:
            return
        t, cpu = time.monotonic(), self.server.cpu_seconds()
        tokens = self.server.tokens()
        print(f"| {self.phase} | {self.done - self.size + 1}-{self.done} "
              f"| {(t - self.t) / self.size * 1e6:.0f} | {(cpu - self.cpu) / self.size * 1e6:.0f} "
              f"| {self.server.rss_mb():.1f} "
              f"| {tokens['unused']}/{tokens['used']}/{tokens['ended']} |", flush=True)
        self.mark()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True, help="the floorctl executable")
    ap.add_argument("--one", type=int, default=60000, help="participants in one conference")
    ap.add_argument("--across", type=int, default=200000,
                    help="participants across conferences")
    ap.add_argument("--per-conference", type=int, default=100,
                    help="participants per conference in the second part")
    ap.add_argument("--slice", type=int, default=5000, help="operations per reported line")
    ap.add_argument("--io-threads", type=int, default=1)
    ap.add_argument("--server-cpu", type=int, help="pin floorctl to this CPU (taskset)")
    ap.add_argument("--client-cpu", type=int, help="pin this client to this CPU")
    ap.add_argument("--check", action="store_true",
                    help="fail on any unexpected status or state left behind")
    args = ap.parse_args()
    if args.client_cpu is not None:
        os.sched_setaffinity(0, {args.client_cpu})

    server = Server(args.binary, io_threads=args.io_threads, cpu=args.server_cpu)
    client = Client(server.http_port)
    problems = []

    def expect(status, want, what):
        if status != want and len(problems) < 10:
            problems.append(f"{what}: {status}, expected {want}")

    with open("/proc/loadavg") as f:
        print(f"# load average at start: {' '.join(f.read().split()[:3])}; io_threads "
              f"{args.io_threads}, server cpu {args.server_cpu}, client cpu {args.client_cpu}")
    print("| phase | operations | client µs/op | server CPU µs/op | server RSS MB "
          "| tokens unused/used/ended |")
    print("|---|---|---|---|---|---|", flush=True)

    # Part 1: one conference, the server picking user IDs.
    users = []
    s = Slicer(server, "create in conference 1", args.slice)
    for i in range(args.one):
        status, body = client.call("POST", "/api/conferences/1/participants",
                                   json.dumps({"display_name": f"p{i}"}))
        expect(status, 201, "create in conference 1")
        if status == 201:
            users.append(json.loads(body)["userid"])
        s.step()
    s = Slicer(server, "remove from conference 1", args.slice)
    for u in users:
        status, _ = client.call("DELETE", f"/api/conferences/1/participants/{u}")
        expect(status, 204, "remove from conference 1")
        s.step()

    # Part 2: many conferences, created, filled, emptied and deleted.
    conferences = (args.across + args.per_conference - 1) // args.per_conference
    created = []
    s = Slicer(server, "create across conferences", args.slice)
    for c in range(conferences):
        status, body = client.call("POST", "/api/conferences", json.dumps({"name": f"c{c}"}))
        expect(status, 201, "create conference")
        if status != 201:
            continue
        conf = json.loads(body)["id"]
        for _ in range(min(args.per_conference, args.across - c * args.per_conference)):
            status, body = client.call("POST", f"/api/conferences/{conf}/participants", "{}")
            expect(status, 201, "create across conferences")
            if status == 201:
                created.append((conf, json.loads(body)["userid"]))
            s.step()
    s = Slicer(server, "remove across conferences", args.slice)
    last = None
    for conf, u in created:
        if last is not None and conf != last:
            status, _ = client.call("DELETE", f"/api/conferences/{last}")
            expect(status, 204, "delete conference")
        last = conf
        status, _ = client.call("DELETE", f"/api/conferences/{conf}/participants/{u}")
        expect(status, 204, "remove across conferences")
        s.step()
    if last is not None:
        status, _ = client.call("DELETE", f"/api/conferences/{last}")
        expect(status, 204, "delete conference")

    gauges = server.gauges()
    tokens = server.tokens()
    print(f"# end: participants {gauges.get('floorctl_participants', -1):.0f}, conferences "
          f"{gauges.get('floorctl_conferences', -1):.0f}, tokens {tokens}")
    if gauges.get("floorctl_participants", -1) != 0:
        problems.append("participants left behind")
    if tokens["unused"] or tokens["used"]:
        problems.append(f"live tokens left behind: {tokens}")
    code = server.stop()
    if code not in (0, None):
        problems.append(f"floorctl exited with {code}")
    if problems:
        print("# PROBLEMS: " + "; ".join(problems))
        print("# server log (end):\n" + server.log_text())
    server.dir.cleanup()
    return 1 if (args.check and problems) else 0


if __name__ == "__main__":
    sys.exit(main())
