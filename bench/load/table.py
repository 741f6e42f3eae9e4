#!/usr/bin/env python3
"""Turns run.sh's JSON lines (stdin) into the Markdown tables of docs/performance.md."""
import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.startswith("{")]
busy = [r for r in rows if r["mode"] != "idle"]
idle = [r for r in rows if r["mode"] == "idle"]

print("| server | transport | connections | round trips/s | p50 µs | p99 µs | ratio to beast-echo |")
print("|---|---|---:|---:|---:|---:|---:|")
base = {}
for r in busy:
    key = (r["transport"], r["connections"])
    rate = r.get("round_trips_per_second", 0)
    if r["label"] == "beast-echo":
        base[key] = rate
    ratio = f'{rate / base[key]:.2f}' if base.get(key) else "—"
    print(f'| {r["label"]} | {r["transport"]} | {r["connections"]} | {rate:,.0f} | '
          f'{r.get("p50_us", "")} | {r.get("p99_us", "")} | {ratio} |')
if idle:
    print()
    print("| server | transport | idle connections | RSS before KiB | RSS after KiB | bytes/connection |")
    print("|---|---|---:|---:|---:|---:|")
    for r in idle:
        print(f'| {r["label"]} | {r["transport"]} | {r["connected"]} | {r.get("server_rss_before_kb")} | '
              f'{r.get("server_rss_after_kb")} | {r.get("server_bytes_per_connection", 0):,.0f} |')
