"""The targets a load test drives, each a context manager yielding a :class:`Target`.

* :func:`direct_server`: one ``streamlit run app.py`` on a free loopback port (flags as in the
  browser tests, plus ``--server.address 127.0.0.1``).
* :func:`nginx_deployment`: ``deploy/run.sh N PORT`` (detached) with a second, gzip-off nginx in front
  of the same replicas; stopped with ``deploy/stop.sh``.
* :func:`external_target`: a URL someone else started; the Streamlit pids come from ``--pid``, from
  a ``deploy/run.sh`` run directory, or from whoever listens on the URL's port.

Memory is read from ``/proc/<pid>/status`` (``VmRSS``); for nginx the replicas are summed.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
HEALTH_TIMEOUT = 120.0


@dataclass
class Target:
    """Where the sessions go, and which processes serve them."""

    kind: str  # "direct", "nginx" or "external"
    url: str  # base URL ending in "/"
    pids: list[int]  # the Streamlit server process(es)
    nogzip_url: str | None = None  # the same replicas behind nginx with gzip off (nginx only)
    run_dir: Path | None = None  # deploy/run.sh's directory (access log with the route and upstream)
    replica_ports: list[int] = field(default_factory=list)

    @property
    def access_log(self) -> Path | None:
        return self.run_dir / "access.log" if self.run_dir else None


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


# --- /proc ----------------------------------------------------------------------------------------


def rss_bytes(pid: int) -> int | None:
    """Resident set size of one process (``VmRSS``), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process so far."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def listening_pids(port: int) -> list[int]:
    """Processes with a listening TCP socket on ``port`` (root sees all; others see their own)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{parts[9]}]")
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        pids.append(int(entry.name))
                        break
    return sorted(pids)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


# --- targets --------------------------------------------------------------------------------------


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate a child process, and kill it if it has not gone within 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def direct_server(log_dir: Path) -> Iterator[Target]:
    """One Streamlit server on a free loopback port, stopped on exit (3 tries if a port is taken)."""
    last = ""
    for attempt in range(3):
        port = free_port()
        log_path = log_dir / f"streamlit-direct-{port}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1",
                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline and not healthy(url):
            time.sleep(0.25)
        if proc.poll() is None and healthy(url):
            try:
                yield Target("direct", url, [proc.pid])
            finally:
                stop_process(proc)
            return
        stop_process(proc)
        last = log_path.read_text(errors="replace")[-2000:]
        if attempt == 2:
            break
    raise RuntimeError(f"streamlit did not start (3 attempts); last log:\n{last}")


def _free_block(n: int) -> int:
    """A port P with P .. P+n free (run.sh puts nginx on P and the replicas on P+1 ..)."""
    for _ in range(50):
        base = random.randint(20_000, 59_000)
        if all(port_free(p) for p in range(base, base + n + 1)):
            return base
    raise RuntimeError("no block of free loopback ports found")


@contextlib.contextmanager
def nginx_deployment(replicas: int, keep: bool = False, nogzip: bool = True) -> Iterator[Target]:
    """``deploy/run.sh replicas PORT`` detached (plus a gzip-off nginx if ``nogzip``); stopped on exit.

    The run directory (rendered configs, access logs, replica logs) is deleted afterwards unless
    ``keep``; its access log is what the stickiness check reads.
    """
    if nginx_binary() is None and os.geteuid() != 0:
        raise RuntimeError("nginx is not installed (apt-get install -y nginx; `make test` does it)")
    last = ""
    for _attempt in range(3):
        base = _free_block(replicas)
        nogzip_port = _free_block(0)
        while base <= nogzip_port <= base + replicas:
            nogzip_port = _free_block(0)
        # Under the system temp dir, not log_dir: nginx's workers (user "nobody" when the master is
        # root) must be able to reach the run directory's temp and cache folders.
        run_dir = Path(tempfile.mkdtemp(prefix="playground-deploy-"))
        env = {**os.environ, "DETACH": "1", "RUN_DIR": str(run_dir), "PYTHON": sys.executable}
        if nogzip:
            env["NOGZIP_PORT"] = str(nogzip_port)
        proc = subprocess.run(["bash", str(DEPLOY / "run.sh"), str(replicas), str(base)], env=env,
                              capture_output=True, text=True, timeout=HEALTH_TIMEOUT + 120)
        if proc.returncode == 0:
            break
        last = proc.stderr[-3000:]
        subprocess.run(["bash", str(DEPLOY / "stop.sh"), str(run_dir), "--clean"], check=False)
        if "already in use" not in last:
            raise RuntimeError(f"deploy/run.sh failed:\n{last}")
    else:
        raise RuntimeError(f"deploy/run.sh failed 3 times:\n{last}")
    try:
        info = dict(line.split("=", 1) for line in (run_dir / "run.env").read_text().splitlines() if "=" in line)
        ports = [int(p) for p in info["REPLICA_PORTS"].strip('"').split()]
        pids = [int((run_dir / f"replica-{p}.pid").read_text()) for p in ports]
        yield Target("nginx", info["URL"], pids, nogzip_url=info.get("NOGZIP_URL") or None, run_dir=run_dir,
                     replica_ports=ports)
    finally:
        subprocess.run(["bash", str(DEPLOY / "stop.sh"), str(run_dir)] + ([] if keep else ["--clean"]), check=False)


@contextlib.contextmanager
def external_target(url: str, pids: list[int] | None = None, run_dir: Path | None = None) -> Iterator[Target]:
    """A server started elsewhere. RSS needs the Streamlit pids: given, from a run directory, or found
    as the listener of the URL's port when that is a Streamlit process."""
    url = url if url.endswith("/") else url + "/"
    if not healthy(url):
        raise RuntimeError(f"{url}_stcore/health does not answer 200")
    kind, nogzip, ports = "external", None, []
    if run_dir is not None:
        info = dict(line.split("=", 1) for line in (run_dir / "run.env").read_text().splitlines() if "=" in line)
        ports = [int(p) for p in info["REPLICA_PORTS"].strip('"').split()]
        pids = pids or [int((run_dir / f"replica-{p}.pid").read_text()) for p in ports]
        nogzip = info.get("NOGZIP_URL") or None
        kind = "nginx"
    if not pids:
        port = urlsplit(url).port or 80
        pids = [p for p in listening_pids(port) if "streamlit" in cmdline(p)]
    yield Target(kind, url, pids or [], nogzip_url=nogzip, run_dir=run_dir, replica_ports=ports)
