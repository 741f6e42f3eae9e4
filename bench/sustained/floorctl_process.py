"""Runs the real floorctl binary for the sustained benchmarks (sip_sustained.py,
api_sustained.py): writes its configuration, starts it (optionally pinned to a CPU), waits for
/healthz, and reads what the benchmarks report per slice: the server's CPU time and RSS from
/proc, and its /metrics gauges."""

import http.client
import os
import socket
import subprocess
import tempfile
import time


def free_port(kind=socket.SOCK_STREAM):
    """A port free for both TCP and UDP on 127.0.0.1 (sofia binds both from one SIP URL)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        other = socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM
        try:
            with socket.socket(socket.AF_INET, other) as s:
                s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


class Server:
    """floorctl with plain HTTP on loopback (admin API and /metrics), quiet logs, one conference
    "demo" (id 1, one floor) reachable as sip:demo@127.0.0.1 when `sip` is true."""

    def __init__(self, binary, io_threads=1, token_lifetime="5m", sip=False, cpu=None):
        self.dir = tempfile.TemporaryDirectory(prefix="floorctl-sustained-")
        self.http_port = free_port()
        self.sip_port = free_port() if sip else None
        sip_section = (f'[sip]\nudp = ["127.0.0.1:{self.sip_port}"]\n' if sip
                       else "[sip]\nenabled = false\n")
        uris = 'sip_uris = ["sip:demo@127.0.0.1"]\n' if sip else ""
        config = os.path.join(self.dir.name, "floorctl.conf")
        with open(config, "w") as f:
            f.write(f"""io_threads = {io_threads}
token_lifetime = "{token_lifetime}"

[websocket]
listen = "127.0.0.1:{self.http_port}"
allow_plain = true
require_tls = false

{sip_section}
[[conference]]
id = 1
name = "demo"
{uris}
[[conference.floor]]
id = 1

[logging]
level = "warn"

[admin]
enabled = true
bind = "127.0.0.1"
""")
        command = [binary, "--config", config]
        if cpu is not None:
            command = ["taskset", "-c", str(cpu)] + command
        self.log = open(os.path.join(self.dir.name, "server.log"), "w+")
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("floorctl exited at start:\n" + self.log_text())
            try:
                if self.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("floorctl did not answer /healthz:\n" + self.log_text())
            time.sleep(0.05)
        self.ticks = os.sysconf("SC_CLK_TCK")

    def log_text(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        try:
            c.request("GET", path)
            r = c.getresponse()
            return r.status, r.read().decode()
        finally:
            c.close()

    def cpu_seconds(self):
        """User + system CPU time of the server process (all its threads)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.ticks

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def gauges(self):
        """The /metrics gauges, as {"name" or "name{labels}": value}."""
        status, text = self.get("/metrics")
        if status != 200:
            raise RuntimeError(f"/metrics answered {status}")
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
        return values

    def tokens(self):
        g = self.gauges()
        return {s: int(g.get(f'floorctl_tokens{{state="{s}"}}', 0))
                for s in ("unused", "used", "ended")}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode
