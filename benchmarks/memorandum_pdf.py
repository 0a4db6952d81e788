"""Memorandum PDF speed and memory: the full trilingual specimen (17 clauses, uk|kk|en).

Run: .venv/bin/python benchmarks/memorandum_pdf.py [--renders 9] [--state signed]
Prints: the median (and spread) of ``render_pdf`` over the renders, wall-clock and CPU time,
the same for WeasyPrint rendering the same HTML string directly (so the ratio shows what the
app adds: template, QR code, labels), and the peak memory of one render in a fresh process
(ru_maxrss, which includes the interpreter and the imports; the memory before the render is
printed too).
Targets (issue 5): median <= 1.5 s, peak <= 300 MB, ratio <= 1.3.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from partnership import create_app
from partnership.memoranda.pdf import HTML, base_url, memorandum_html, render_pdf, url_fetcher
from partnership.memoranda.specimen import specimen

LANGUAGES = ("uk", "kk", "en")


def build_app(folder: str):
    return create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench",
                       "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": folder})


def direct(html: str) -> bytes:
    """WeasyPrint alone, on an HTML string the app already made."""
    return HTML(string=html, base_url=base_url(), url_fetcher=url_fetcher()).write_pdf(
        full_fonts=True)


def child(state: str) -> None:
    """One render in this (fresh) process; prints peak RSS in MB, before and after."""
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        with app.app_context():
            memorandum = specimen(LANGUAGES, state)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            data = render_pdf(memorandum)
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"before_mb": before, "peak_mb": after, "bytes": len(data)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=9)
    parser.add_argument("--state", default="signed",
                        choices=["draft", "in_review", "agreed", "signed"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.state)
        return
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        with app.app_context():
            memorandum = specimen(LANGUAGES, args.state)
            html = memorandum_html(memorandum)
            data = render_pdf(memorandum)      # warm-up: imports, fonts, caches
            direct(html)
            app_times, direct_times, app_cpu, direct_cpu = [], [], [], []
            for _ in range(args.renders):      # interleaved, so both see the same machine load
                start, cpu = time.perf_counter(), time.process_time()
                render_pdf(memorandum)
                app_times.append(time.perf_counter() - start)
                app_cpu.append(time.process_time() - cpu)
                start, cpu = time.perf_counter(), time.process_time()
                direct(html)
                direct_times.append(time.perf_counter() - start)
                direct_cpu.append(time.process_time() - cpu)
    app_median, direct_median = statistics.median(app_times), statistics.median(direct_times)
    print(f"specimen: {'|'.join(LANGUAGES)}, state {args.state}, "
          f"{len(memorandum.clauses)} clauses, {len(data) / 1024:.0f} KB PDF")
    print(f"render_pdf over {args.renders} renders: median {app_median:.3f} s "
          f"(min {min(app_times):.3f}, max {max(app_times):.3f}; target <= 1.5 s)")
    print(f"  CPU time of render_pdf (a shared VM inflates it too, less than wall time): median "
          f"{statistics.median(app_cpu):.3f} s")
    print(f"WeasyPrint on the same HTML string: median {direct_median:.3f} s "
          f"(min {min(direct_times):.3f}, max {max(direct_times):.3f}); CPU median "
          f"{statistics.median(direct_cpu):.3f} s")
    print(f"ratio render_pdf / WeasyPrint direct: {app_median / direct_median:.2f} "
          f"(target <= 1.3)")
    # Through a shell that forks it: a child forked straight from this process would start
    # with this process's peak RSS as its own (Linux keeps ru_maxrss across fork and exec).
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--state", args.state]
    result = subprocess.run(  # noqa: S603 - this very script, with fixed arguments
        ["/bin/sh", "-c", '"$@"; exit $?', "sh", *command],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    memory = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"peak memory of one render in a fresh process: {memory['peak_mb']:.0f} MB "
          f"(before rendering: {memory['before_mb']:.0f} MB; target <= 300 MB)")


if __name__ == "__main__":
    main()
