"""Time patient pages in one process, page cache off: what a page costs in code, whatever else the machine runs.

    .venv/bin/python bench/inprocess.py [--requests N] [--pages article,search] [--profile search-en]

With --profile, SORT=tottime (default cumulative) and TOP=60 (default 40) choose the profile's order and length,
and PROFILE_OUT=file keeps the whole profile for pstats.

Builds the benchmark library (bench/seed.py) once in an SQLite file (BENCH_INPROCESS_DB, default
/tmp/clinic-inprocess.sqlite3; delete it after a migration) and reuses it. Each page type and language is asked
for N times through Django's full request handler and middleware, rotating over bench/seed.py's addresses (the
same ones `make bench` uses), so per-process memos see many different items. Reports the median and 95th
percentile of CPU time per request (the process's own time, so neighbours on a shared machine barely move it)
and of wall time; `/healthz` is the floor. README "Speed" relates these figures to `make bench`'s ratios.

BENCH_INPROCESS_DATABASE_URL=postgres://.../db measures on PostgreSQL instead (an empty database the first time;
the library stays there). The server's work is then outside the process's CPU time: compare wall times.
"""
import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = Path(os.environ.get("BENCH_INPROCESS_DB", "/tmp/clinic-inprocess.sqlite3"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="clinic.settings",
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    DJANGO_ALLOWED_HOSTS="127.0.0.1",
    DJANGO_LOCAL_HTTP="1",
    DJANGO_PAGE_CACHE="0",
    DATABASE_URL=os.environ.get("BENCH_INPROCESS_DATABASE_URL") or f"sqlite:///{DATABASE}",
)
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = ("home", "topic", "article", "procedure", "faq", "search")


def library():
    """bench/seed.py's addresses, building the library first when the file does not hold one yet."""
    import seed

    from education.models import Article

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production's hashed names, as `make bench`
    if not Article.objects.exists():
        print(f"Building the benchmark library in {DATABASE} (a few minutes, once) ...", file=sys.stderr)
        seed.prepare("default")
    return seed.addresses_to_measure()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(client, paths, requests):
    """CPU and wall milliseconds of each of `requests` requests, cycling over `paths`."""
    cpu, wall = [], []
    for i in range(requests):
        path = paths[i % len(paths)]
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return cpu, wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="requests per page type and language")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--profile", help="page-language to profile with cProfile instead, e.g. article-en")
    args = parser.parse_args()
    addresses = library()
    client = Client(HTTP_HOST="127.0.0.1")
    # Warm the process (imports, template loading, URL resolvers) before anything is timed.
    for pages in addresses.values():
        for page in PAGES:
            client.get(pages[page][-1])
    if args.profile:
        import cProfile
        import pstats

        page, language = args.profile.split("-")
        paths = addresses[language][page]
        profile = cProfile.Profile()
        profile.runcall(measure, client, paths, args.requests)
        if os.environ.get("PROFILE_OUT"):  # for pstats' callers and callees
            profile.dump_stats(os.environ["PROFILE_OUT"])
        stats = pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("TOP", "40")))
        return
    cpu, wall = measure(client, ["/healthz"], args.requests)
    print(f"{'page':<10} {'lang':<4} {'addresses':>9} {'cpu p50':>8} {'cpu p95':>8} {'wall p50':>9} {'wall p95':>9}")
    print(f"{'healthz':<10} {'':<4} {1:>9} {statistics.median(cpu):>8.2f} {percentile(cpu, .95):>8.2f} "
          f"{statistics.median(wall):>9.2f} {percentile(wall, .95):>9.2f}")
    for page in args.pages.split(","):
        for language, pages in addresses.items():
            cpu, wall = measure(client, pages[page], args.requests)
            print(f"{page:<10} {language:<4} {len(pages[page]):>9} {statistics.median(cpu):>8.2f} "
                  f"{percentile(cpu, .95):>8.2f} {statistics.median(wall):>9.2f} {percentile(wall, .95):>9.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
