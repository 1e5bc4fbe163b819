"""How fast could an uncached page be if its template cost nothing? gunicorn as `make bench` runs it (2 workers, page
cache off), each page type measured against /healthz twice: as served, and with every patient template rendered
once per process and its output reused (bench/rendered_once.py), so that only the view's own work is left.

    .venv/bin/python bench/ceiling.py [--pages article,topic]

Uses bench/inprocess.py's library (an SQLite file built once; BENCH_INPROCESS_DATABASE_URL for PostgreSQL) and
`make bench`'s wrk script, rounds and ratio, English and Italian addresses. The gap between the two ratios is what
rendering costs; the second ratio is the most any change to templates alone can reach.
"""
import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import inprocess  # noqa: I001  (sets the environment and the database, and sets Django up)
import run

PAGES = ("home", "topic", "article", "procedure", "faq", "search")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y --no-install-recommends wrk")
    addresses = inprocess.library()
    tmp = Path(tempfile.mkdtemp(prefix="clinic-ceiling-"))
    try:
        script = tmp / "report.lua"
        script.write_text(run.WRK_REPORT)
        env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parent)}
        ratios = {}
        for application in ("clinic.wsgi", "rendered_once"):
            server = run.Server(env, page_cache=False, application=application)
            try:
                for page in args.pages.split(","):
                    for language, pages in addresses.items():
                        paths = tmp / f"{page}-{language}.txt"
                        paths.write_text("\n".join(pages[page]) + "\n")
                        result, _baseline, ratio = run.measure_against_baseline(server, paths, script)
                        ratios[page, language, application] = (ratio, result["p99"])
            finally:
                server.stop()
        print("| page | lang | as served: ratio | p99 ms | template free: ratio | p99 ms |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for page in args.pages.split(","):
            for language in addresses:
                (served, served_p99), (free, free_p99) = (
                    ratios[page, language, application] for application in ("clinic.wsgi", "rendered_once")
                )
                print(f"| {page} | {language} | {served:.2f} | {served_p99:.1f} | {free:.2f} | {free_p99:.1f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
