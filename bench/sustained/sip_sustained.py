#!/usr/bin/env python3
"""Sustained SIP load through the real floorctl binary (issue 11).

sipp (UDP) places calls at a fixed rate against the conference "demo": INVITE with a BFCP offer,
200 with floorctl's answer (checked by regex), ACK, a pause, BYE (bench/sip/uac_load.xml).
Every period (default 60 s) it prints the call set-ups per second, failed calls,
retransmissions, the server's CPU per call, its RSS and the tokens it remembers (/metrics).

    bench/sustained/sip_sustained.py --binary build/app/floorctl --rate 1500 --seconds 600 \\
        --server-cpu 1 --client-cpu 0

--check makes it a test: exit status 1 unless every call succeeded and the remembered tokens
stayed under their ceiling (rate x (pause + token_lifetime), docs/performance.md) in every
period. Timings are reported, never asserted.
"""

import argparse
import csv
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floorctl_process import Server, free_port  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "sip", "uac_load.xml")


def duration_seconds(text):
    for unit, scale in (("ms", 0.001), ("min", 60), ("s", 1), ("m", 60), ("h", 3600)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    return float(text)


def last_row(path):
    """The newest line of sipp's statistics file as {column: value} (cumulative counters)."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f, delimiter=";"))
    except FileNotFoundError:
        return None
    if len(rows) < 2:
        return None
    header, row = rows[0], rows[-1]
    if len(row) < len(header) - 1:  # being written: take the one before
        if len(rows) < 3:
            return None
        row = rows[-2]
    return dict(zip(header, row))


def counter(row, name):
    return int(row.get(name, "0") or 0) if row else 0


def udp_drops(port):
    """Datagrams the kernel dropped at the UDP socket bound to `port` (receive buffer full):
    the last column of /proc/net/udp. None when no such socket is open."""
    try:
        with open("/proc/net/udp") as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return None
    drops = None
    for line in lines:
        fields = line.split()
        if len(fields) > 12 and int(fields[1].split(":")[1], 16) == port:
            drops = (drops or 0) + int(fields[-1])
    return drops


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True, help="the floorctl executable")
    ap.add_argument("--rate", type=int, default=1500, help="calls per second")
    ap.add_argument("--seconds", type=int, default=600, help="how long calls are placed")
    ap.add_argument("--pause-ms", type=int, default=200, help="between ACK and BYE")
    ap.add_argument("--period", type=int, default=60, help="seconds per reported slice")
    ap.add_argument("--token-lifetime", default="5m", help="floorctl token_lifetime")
    ap.add_argument("--io-threads", type=int, default=1)
    ap.add_argument("--server-cpu", type=int, help="pin floorctl to this CPU (taskset)")
    ap.add_argument("--client-cpu", type=int, help="pin sipp to this CPU (taskset)")
    ap.add_argument("--client-buffer", type=int, default=4 * 1024 * 1024,
                    help="sipp's socket buffers in bytes (-buff_size; its default 64 KiB drops "
                         "responses when sipp is descheduled; capped by net.core.rmem_max)")
    ap.add_argument("--check", action="store_true",
                    help="fail unless 0 calls failed and the tokens stayed bounded")
    args = ap.parse_args()

    server = Server(args.binary, io_threads=args.io_threads, token_lifetime=args.token_lifetime,
                    sip=True, cpu=args.server_cpu)
    work = server.dir.name
    stat = os.path.join(work, "stat.csv")
    calls = args.rate * args.seconds
    client_port = free_port()
    command = ["sipp", "-sf", os.path.abspath(SCENARIO), "-s", "demo",
               "-r", str(args.rate), "-m", str(calls), "-d", str(args.pause_ms),
               "-t", "u1", "-i", "127.0.0.1", "-p", str(client_port), "-nostdin",
               "-timeout", f"{args.seconds + 120}s", "-timeout_error",
               "-trace_stat", "-stf", stat, "-fd", "1", "-buff_size", str(args.client_buffer),
               f"127.0.0.1:{server.sip_port}"]
    if args.client_cpu is not None:
        command = ["taskset", "-c", str(args.client_cpu)] + command
    lifetime = duration_seconds(args.token_lifetime)
    # Tokens of ended calls are remembered one lifetime after their BYE; one period of slack
    # for the sampling and the calls in flight.
    ceiling = int(args.rate * (args.pause_ms / 1000.0 + lifetime) * 1.1) + args.rate

    print(f"# {args.rate} calls/s for {args.seconds} s, pause {args.pause_ms} ms, "
          f"token_lifetime {args.token_lifetime}, io_threads {args.io_threads}, "
          f"server cpu {args.server_cpu}, sipp cpu {args.client_cpu}; "
          f"token ceiling {ceiling}", flush=True)
    with open(os.path.join("/proc/loadavg")) as f:
        print(f"# load average at start: {' '.join(f.read().split()[:3])}", flush=True)
    print("| slice | elapsed s | set-ups/s | failed | retransmissions | server CPU µs/call "
          "| server RSS MB | tokens unused/used/ended | UDP drops server/sipp |")
    print("|---|---|---|---|---|---|---|---|---|", flush=True)

    sipp_out = open(os.path.join(work, "sipp.out"), "w")
    sipp = subprocess.Popen(command, cwd=work, stdout=sipp_out, stderr=subprocess.STDOUT)
    start = time.monotonic()
    previous = {"t": start, "ok": 0, "failed": 0, "retrans": 0, "cpu": server.cpu_seconds(),
                "server_drops": 0, "client_drops": 0}
    slices = []
    over_ceiling = []
    index = 0
    finished = False
    while not finished:
        index += 1
        target = start + index * args.period
        while time.monotonic() < target:
            if sipp.poll() is not None:
                finished = True
                break
            time.sleep(min(0.2, max(0.0, target - time.monotonic())))
        if finished:
            time.sleep(1.5)  # sipp's last statistics line
        row = last_row(stat)
        now = time.monotonic()
        cur = {"t": now, "ok": counter(row, "SuccessfulCall(C)"),
               "failed": counter(row, "FailedCall(C)"),
               "retrans": counter(row, "Retransmissions(C)"), "cpu": server.cpu_seconds(),
               "server_drops": udp_drops(server.sip_port), "client_drops": udp_drops(client_port)}
        for key in ("server_drops", "client_drops"):  # the socket is gone: keep the last count
            if cur[key] is None:
                cur[key] = previous[key]
        tokens = server.tokens()
        ok = cur["ok"] - previous["ok"]
        dt = now - previous["t"]
        cpu_per_call = (cur["cpu"] - previous["cpu"]) / ok * 1e6 if ok else float("nan")
        total_tokens = sum(tokens.values())
        if total_tokens > ceiling:
            over_ceiling.append((index, total_tokens))
        slices.append({"ok": ok, "dt": dt, "cpu_per_call": cpu_per_call})
        print(f"| {index} | {now - start:.0f} | {ok / dt:.0f} | {cur['failed'] - previous['failed']} "
              f"| {cur['retrans'] - previous['retrans']} | {cpu_per_call:.0f} "
              f"| {server.rss_mb():.1f} | {tokens['unused']}/{tokens['used']}/{tokens['ended']} "
              f"| {cur['server_drops'] - previous['server_drops']}"
              f"/{cur['client_drops'] - previous['client_drops']} |", flush=True)
        previous = cur
    sipp_rc = sipp.wait()
    row = last_row(stat)
    ok, failed = counter(row, "SuccessfulCall(C)"), counter(row, "FailedCall(C)")
    retrans = counter(row, "Retransmissions(C)")
    elapsed = time.monotonic() - start
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"# total: {ok} calls ok, {failed} failed, {retrans} retransmissions, "
          f"{ok / max(elapsed - args.pause_ms / 1000.0, 1e-9):.0f} set-ups/s over {elapsed:.0f} s; "
          f"UDP receive-buffer drops: server {previous['server_drops']}, "
          f"sipp {previous['client_drops']}; "
          f"sipp exit {sipp_rc}; load average at end: {load}")
    full = [s for s in slices if s["dt"] >= 0.9 * args.period]
    if len(full) >= 2:
        first, last = full[0]["ok"] / full[0]["dt"], full[-1]["ok"] / full[-1]["dt"]
        print(f"# first to last full slice: set-ups/s {first:.0f} -> {last:.0f} "
              f"({(last - first) / first * 100:+.1f} %), CPU/call {full[0]['cpu_per_call']:.0f} "
              f"-> {full[-1]['cpu_per_call']:.0f} µs")
    code = server.stop()
    problems = []
    if failed or ok != calls:
        problems.append(f"{failed} failed calls, {ok} of {calls} succeeded")
    if sipp_rc != 0:
        problems.append(f"sipp exited with {sipp_rc}")
    if over_ceiling:
        problems.append(f"tokens above the ceiling {ceiling} in slices {over_ceiling}")
    if code not in (0, None):
        problems.append(f"floorctl exited with {code}")
    if problems:
        print("# PROBLEMS: " + "; ".join(problems))
        with open(os.path.join(work, "sipp.out")) as f:
            tail = [line for line in f.read().splitlines() if line.strip()][-8:]
        print("# sipp output (last lines):\n#   " + "\n#   ".join(tail))
        print("# server log (end):\n" + server.log_text())
    server.dir.cleanup()
    return 1 if (args.check and problems) else 0


if __name__ == "__main__":
    sys.exit(main())
