"""`make bench`: build a benchmark library, serve it with gunicorn in production mode, and measure it with wrk.

Every page type in both languages is measured twice, with the page cache off (cold) and on (warm), each right after
the constant `/healthz` view of the same server (the framework's floor), which its ratio is taken against. Like
patients, wrk spreads over the library: a Lua script rotates through up to 1,000 different addresses of the page
type (every address where there are fewer: one home page, a few dozen topic and question list pages), so
per-process memos and caches are exercised as real traffic would. With the page cache on, a last round measures
each page type just after an editor saved an article. Each worker's memory is reported after each server.
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
local paths, index = {}, 0
init = function(args)
  if args[1] then
    for line in io.lines(args[1]) do paths[#paths + 1] = line end
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
    index = math.random(#paths)  -- each run starts elsewhere in the list
  end
end
request = function()
  if #paths == 0 then return wrk.format() end
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
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

    def __init__(self, env, page_cache, application="clinic.wsgi"):
        self.port = free_port()
        self.env = env | {"DJANGO_PAGE_CACHE": "1" if page_cache else "0"}
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", application, "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
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

    def worker_memory(self):
        """(resident, peak resident) memory in MB of each worker, now."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        memory = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            rss, peak = (int(re.search(rf"{name}:\s+(\d+) kB", status).group(1)) / 1024 for name in ("VmRSS", "VmHWM"))
            memory.append((rss, peak))
        return memory

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def measure(server, path, script, seconds, addresses=None):
    """wrk for `seconds` at CONNECTIONS connections, on `path` or rotating through the file of `addresses`."""
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "20s", "-s", script, server.url(path),
         *(["--", str(addresses)] if addresses else [])],
        check=True, capture_output=True, text=True,
    ).stdout
    found = dict(re.findall(r"(\w+)=(\d+)", output.split("BENCH", 1)[1]))
    if int(found["errors"]):
        sys.exit(f"wrk saw {found['errors']} errors on {addresses or path}:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": int(found["p50"]) / 1000,
        "p95": int(found["p95"]) / 1000,
        "p99": int(found["p99"]) / 1000,
    }


def measure_against_baseline(server, addresses, script, warm_up_seconds=0):
    """The page type in ROUNDS rounds, each right after /healthz on the same server; the median of each figure.

    Alternating keeps the ratio honest on a shared machine: a baseline taken minutes earlier would measure the
    neighbours' load as much as the page. None when the first address is not a 200 (the page is not built yet).
    """
    paths = addresses.read_text().split()
    if get(server.url(paths[0])) != 200:
        return None, None, None
    for path in paths[:20]:  # templates, connections
        get(server.url(path))
    if warm_up_seconds:  # the page cache: every address, a few times, so each worker has its own copy
        measure(server, "/", script, warm_up_seconds, addresses)
    baselines, results = [], []
    for _ in range(ROUNDS):
        server.wait_until_idle()
        baselines.append(measure(server, "/healthz", script, 1))
        results.append(measure(server, "/", script, SECONDS, addresses))
    baseline = {key: statistics.median(b[key] for b in baselines) for key in baselines[0]}
    result = {key: statistics.median(r[key] for r in results) for key in results[0]}
    ratio = statistics.median(r["rps"] / b["rps"] for r, b in zip(results, baselines, strict=True))
    return result, baseline, ratio


def measure_after_save(server, addresses, script, saver):
    """One round right after an editor's save (one article changed): how much of the cache the save left warm."""
    server.wait_until_idle()
    baseline = measure(server, "/healthz", script, 1)
    saver.stdin.write("save\n")
    saver.stdin.flush()
    saver.stdout.readline()
    result = measure(server, "/", script, SECONDS, addresses)
    return result, baseline, result["rps"] / baseline["rps"]


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
    rows, after_save, memory = [], [], {}
    try:
        size = os.environ.get("BENCH_SIZE", "default")
        database = "PostgreSQL" if drop_database else "SQLite"
        print(f"Building the {size} benchmark library on {database} ...", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
        seeded = json.loads(run([PYTHON, "bench/seed.py"], env, capture_output=True, text=True).stdout)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
        files = {}
        for language in ("en", "it"):
            for page in PAGES:
                files[page, language] = tmp / f"{page}-{language}.txt"
                files[page, language].write_text("\n".join(seeded["addresses"][language][page]) + "\n")
        cold_rps = {}
        for mode, page_cache in (("cold", False), ("warm", True)):
            server = Server(env, page_cache)
            try:
                for page in PAGES:
                    for language in ("en", "it"):
                        count = len(seeded["addresses"][language][page])
                        # Three passes over the addresses at the uncached rate, within reason.
                        warm_up = min(30, max(2, round(3 * count / cold_rps.get((page, language), 100)))) \
                            if page_cache else 0
                        measured = measure_against_baseline(server, files[page, language], script, warm_up)
                        rows.append((page, language, mode, count, *measured))
                        if measured[0]:
                            cold_rps.setdefault((page, language), measured[0]["rps"])
                memory[mode] = server.worker_memory()
                if page_cache:
                    saver = subprocess.Popen(
                        [PYTHON, "bench/seed.py", "--saver"], env=env, cwd=ROOT, text=True,
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    )
                    try:
                        for page in PAGES:
                            for language in ("en", "it"):
                                if get(server.url(seeded["addresses"][language][page][0])) == 200:
                                    measured = measure_after_save(server, files[page, language], script, saver)
                                    after_save.append((page, language, *measured))
                    finally:
                        saver.stdin.close()
                        saver.wait(timeout=30)
            finally:
                server.stop()
        report(rows, after_save, memory, size, database)
    finally:
        if drop_database:
            drop_database()
        shutil.rmtree(tmp, ignore_errors=True)


def report(rows, after_save, memory, size, database):
    print()
    print(
        f"{database}, {size} library, gunicorn {WORKERS} sync workers, wrk -t1 -c{CONNECTIONS}, "
        f"median of {ROUNDS} rounds of {SECONDS} s per page, each after 1 s of /healthz; "
        "each round rotates through the page type's addresses"
    )
    print()
    print(
        "| page | lang | addresses | page cache | requests/s | p50 ms | p95 ms | p99 ms | /healthz requests/s | ratio |"
    )
    print("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page, language, mode, count, result, baseline, ratio in rows:
        mode_name = "off" if mode == "cold" else "on"
        if result is None:
            print(f"| {page} | {language} | {count} | {mode_name} | n/a | n/a | n/a | n/a | n/a | n/a |")
            continue
        print(
            f"| {page} | {language} | {count} | {mode_name} | {result['rps']:.0f} | {result['p50']:.1f} "
            f"| {result['p95']:.1f} | {result['p99']:.1f} | {baseline['rps']:.0f} | {ratio:.2f} |"
        )
    print()
    print(f"Just after a save (page cache on; one article saved, then one {SECONDS} s round):")
    print()
    print("| page | lang | requests/s | p50 ms | p99 ms | /healthz requests/s | ratio |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for page, language, result, baseline, ratio in after_save:
        print(
            f"| {page} | {language} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
            f"| {baseline['rps']:.0f} | {ratio:.2f} |"
        )
    print()
    for mode, workers in memory.items():
        listed = ", ".join(f"{rss:.0f} MB (peak {peak:.0f} MB)" for rss, peak in workers)
        print(f"worker memory, page cache {'off' if mode == 'cold' else 'on'}: {listed}")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} CPUs")
    cached = [ratio for _page, _lang, mode, _n, result, _baseline, ratio in rows if mode == "warm" and result]
    uncached = [ratio for _page, _lang, mode, _n, result, _baseline, ratio in rows if mode == "cold" and result]
    print(f"slowest page/baseline ratio: {min(cached):.2f}")
    print(f"slowest uncached page/baseline ratio: {min(uncached):.2f}")


if __name__ == "__main__":
    main()
