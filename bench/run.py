"""`make bench`: build a benchmark library, serve it with gunicorn in production mode, and measure it with wrk.

Every page type in both languages is measured twice, with the page cache off (cold) and on (warm), against the
constant `/healthz` view of the same server, which is the framework's floor. Environment:

    BENCH_SIZE=large     10,000 articles instead of 1,000
    BENCH_SECONDS=4      wrk duration per page
    DATABASE_URL=...     PostgreSQL: the benchmark creates and drops its own database `<name>_bench` there
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
CONNECTIONS = 8
WORKERS = 2
PAGES = ("home", "topic", "article", "procedure", "faq", "search")
# wrk prints these after its run; latency is in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
  io.write(string.format("BENCH requests=%d errors=%d p50=%d p95=%d p99=%d\\n",
    summary.requests, errors, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def bench_database(tmp):
    """A fresh database: an SQLite file in `tmp`, or a new `<name>_bench` database next to DATABASE_URL's."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import psycopg

    base, _, name = url.rpartition("/")
    name = name.split("?")[0] + "_bench"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Server:
    """gunicorn with 2 sync workers on a free loopback port."""

    def __init__(self, env, page_cache):
        self.port = free_port()
        self.env = env | {"DJANGO_PAGE_CACHE": "1" if page_cache else "0"}
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "clinic.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning"],
            env=self.env, cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(self.url("/healthz")) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                sys.exit("gunicorn did not start; see its output above.")
            time.sleep(0.2)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def peak_rss_mb(self):
        """The largest VmHWM (peak resident memory) among the workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        peaks = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return max(peaks)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def measure(server, path, script):
    """Warm up (both workers, templates, caches), then wrk for SECONDS; None when the page is not a 200."""
    if get(server.url(path)) != 200:
        return None
    for _ in range(20):
        get(server.url(path))
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script, server.url(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    found = dict(re.findall(r"(\w+)=(\d+)", output.split("BENCH", 1)[1]))
    if int(found["errors"]):
        sys.exit(f"wrk saw {found['errors']} errors on {path}:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": int(found["p50"]) / 1000,
        "p95": int(found["p95"]) / 1000,
        "p99": int(found["p99"]) / 1000,
    }


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y --no-install-recommends wrk")
    tmp = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    database_url, drop_database = bench_database(tmp)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
    }
    script = tmp / "report.lua"
    script.write_text(WRK_REPORT)
    rows = []
    try:
        size = os.environ.get("BENCH_SIZE", "default")
        database = "PostgreSQL" if drop_database else "SQLite"
        print(f"Building the {size} benchmark library on {database} ...", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
        pages = json.loads(run([PYTHON, "bench/seed.py"], env, capture_output=True, text=True).stdout)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
        memory = {}
        for mode, page_cache in (("cold", False), ("warm", True)):
            server = Server(env, page_cache)
            try:
                baseline = measure(server, "/healthz", script)
                rows.append(("healthz", "-", mode, baseline, 1.0))
                print(f"  {mode} /healthz: {baseline['rps']:.0f} requests/s", flush=True)
                for page in PAGES:
                    for language in ("en", "it"):
                        result = measure(server, pages[language][page], script)
                        ratio = result["rps"] / baseline["rps"] if result else None
                        rows.append((page, language, mode, result, ratio))
                memory[mode] = server.peak_rss_mb()
            finally:
                server.stop()
        report(rows, memory, size, database)
    finally:
        if drop_database:
            drop_database()
        shutil.rmtree(tmp, ignore_errors=True)


def report(rows, memory, size, database):
    print()
    print(f"{database}, {size} library, gunicorn {WORKERS} sync workers, wrk -t1 -c{CONNECTIONS} -d{SECONDS}s")
    print()
    print("| page | lang | cache | requests/s | p50 ms | p95 ms | p99 ms | ratio to /healthz |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for page, language, mode, result, ratio in rows:
        mode_name = "off" if mode == "cold" else "on"
        if result is None:
            print(f"| {page} | {language} | {mode_name} | n/a | n/a | n/a | n/a | n/a |")
            continue
        print(
            f"| {page} | {language} | {mode_name} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p95']:.1f} "
            f"| {result['p99']:.1f} | {ratio:.2f} |"
        )
    print()
    print(
        f"worker peak RSS: cache off {memory['cold']:.0f} MB, cache on {memory['warm']:.0f} MB "
        "(largest VmHWM of the workers)"
    )
    cached = [ratio for page, _lang, mode, result, ratio in rows if mode == "warm" and page != "healthz" and result]
    print(f"slowest page/baseline ratio: {min(cached):.2f}")


if __name__ == "__main__":
    main()
