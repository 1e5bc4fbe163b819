"""`make bench`: build a benchmark library, serve it with gunicorn in production mode, and measure it with wrk.

Every page type in both languages is measured twice, with the page cache off (cold) and on (warm), each right after
the constant `/healthz` view of the same server (the framework's floor), which its ratio is taken against.
Environment:

    BENCH_SIZE=large     10,000 articles instead of 1,000
    BENCH_SECONDS=2      wrk duration per page and round (three rounds, each after a 1 s /healthz run)
    DATABASE_URL=...     PostgreSQL: the benchmark creates and drops its own database `<name>_bench` there
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "2"))
ROUNDS = 3
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

    def wait_until_idle(self):
        """Until /healthz answers quickly twice in a row: slow requests a wrk run left in flight have finished."""
        quick, deadline = 0, time.monotonic() + 120
        while quick < 2 and time.monotonic() < deadline:
            start = time.monotonic()
            get(self.url("/healthz"))
            quick = quick + 1 if time.monotonic() - start < 0.05 else 0

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


def measure(server, path, script, seconds):
    """wrk for `seconds` at CONNECTIONS connections."""
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "20s", "-s", script, server.url(path)],
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


def measure_against_baseline(server, path, script):
    """The page in ROUNDS rounds, each right after /healthz on the same server; the median of each figure.

    Alternating keeps the ratio honest on a shared machine: a baseline taken minutes earlier would measure the
    neighbours' load as much as the page. None when the page is not a 200 (not built yet).
    """
    if get(server.url(path)) != 200:
        return None, None, None
    for _ in range(20):  # warm up both workers: templates, connections, memoised Markdown, the page cache
        get(server.url(path))
    baselines, results = [], []
    for _ in range(ROUNDS):
        server.wait_until_idle()
        baselines.append(measure(server, "/healthz", script, 1))
        results.append(measure(server, path, script, SECONDS))
    baseline = {key: statistics.median(b[key] for b in baselines) for key in baselines[0]}
    result = {key: statistics.median(r[key] for r in results) for key in results[0]}
    ratio = statistics.median(r["rps"] / b["rps"] for r, b in zip(results, baselines, strict=True))
    return result, baseline, ratio


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
        # Plain http on loopback (as `make serve`): otherwise production mode redirects every request to https.
        "DJANGO_LOCAL_HTTP": "1",
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
                for page in PAGES:
                    for language in ("en", "it"):
                        measured = measure_against_baseline(server, pages[language][page], script)
                        rows.append((page, language, mode, *measured))
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
    print(
        f"{database}, {size} library, gunicorn {WORKERS} sync workers, wrk -t1 -c{CONNECTIONS}, "
        f"median of {ROUNDS} rounds of {SECONDS} s per page, each after 1 s of /healthz"
    )
    print()
    print("| page | lang | page cache | requests/s | p50 ms | p95 ms | p99 ms | /healthz requests/s | ratio |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page, language, mode, result, baseline, ratio in rows:
        mode_name = "off" if mode == "cold" else "on"
        if result is None:
            print(f"| {page} | {language} | {mode_name} | n/a | n/a | n/a | n/a | n/a | n/a |")
            continue
        print(
            f"| {page} | {language} | {mode_name} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p95']:.1f} "
            f"| {result['p99']:.1f} | {baseline['rps']:.0f} | {ratio:.2f} |"
        )
    print()
    print(
        f"worker peak RSS: cache off {memory['cold']:.0f} MB, cache on {memory['warm']:.0f} MB "
        "(largest VmHWM of the workers)"
    )
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} CPUs")
    cached = [ratio for _page, _lang, mode, result, _baseline, ratio in rows if mode == "warm" and result]
    print(f"slowest page/baseline ratio: {min(cached):.2f}")


if __name__ == "__main__":
    main()
