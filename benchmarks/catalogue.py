"""The cooperation catalogue of 1,000 Ukrainian organisations: time and peak memory.

Run:  .venv/bin/python -m benchmarks.catalogue [--organisations 1000] [--items 3]
      (from the project folder: it reuses the test factories)
SQLite in a temporary folder. Makes the organisations (each with a few current offers and
needs, half of them publicly listed, so half carry a QR code), then renders the package as the
background job does (``outreach.services.run_job``: catalogue PDF, XLSX and the specimen, the
PDF's parts laid out in ``render.PROCESSES`` forked processes) in a fresh child process, and
prints the wall-clock time of each step, the CPU time (the process's and its layout
processes'), the machine's load (other work on the machine stretches the wall-clock time),
the process's peak RSS (``ru_maxrss``, which includes the interpreter and the imports) and the
peak of the process and its layout processes together, sampled from /proc: PSS (a page the
forked processes share counts once in the sum) and summed RSS (counted in each).
Targets (issue 13): <= 30 s in the background, <= 400 MB peak.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from partnership import create_app


def build_app(folder: Path):
    return create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                       "INSTANCE_PATH": str(folder / "instance"),
                       "PUBLIC_BASE_URL": "https://partnership.example.org"})


def fill(folder: Path, organisations: int, items: int) -> None:
    from partnership.organisations.models import Direction
    from partnership.organisations.taxonomy import areas, regions_of
    from tests.factories import ItemFactory, OrganisationFactory

    rng = random.Random(13)  # noqa: S311 - test data
    area_codes = list(areas())
    region_codes = [region.code for region in regions_of("UA")]
    app = build_app(folder)
    with app.app_context():
        upgrade()
        for n in range(organisations):
            organisation = OrganisationFactory(
                region=rng.choice(region_codes), public_listing=n % 2 == 0,
                name_uk=f"Комунальне некомерційне підприємство «Обласна лікарня №{n}»",
                name_kk=f"№{n} облыстық аурухана коммуналдық кәсіпорны",
                name_en=f"Regional Hospital No. {n}, a municipal non-profit enterprise")
            for k in range(items):
                need = k % 3 == 2
                ItemFactory(organisation=organisation, area=rng.choice(area_codes),
                            direction=Direction.NEED if need else Direction.OFFER,
                            urgency="high" if need else None,
                            description=f"Item {k} of organisation {n}: training, equipment "
                                        f"and exchange of specialists in the area")


def child(folder: Path, language: str) -> None:
    """Render the package in this fresh process, as the worker does; print the figures."""
    from partnership.extensions import db
    from partnership.outreach import catalogue, services
    from partnership.outreach.models import CatalogueJob, CatalogueStatus

    app = build_app(folder)
    with app.app_context():
        filters = catalogue.Filters()
        job = CatalogueJob(key=catalogue.cache_key(filters, language), language=language,
                           filters=filters.as_dict(), status=CatalogueStatus.QUEUED,
                           organisations=catalogue.count(filters))
        db.session.add(job)
        db.session.commit()
        marks = []
        original = services._set

        def timing(job_id, **values):
            marks.append((values.get("progress"), time.perf_counter()))
            original(job_id, **values)

        services._set = timing
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started, cpu_before = time.perf_counter(), os.times()
        services.run_job(job.id)
        total, cpu_after = time.perf_counter() - started, os.times()
        cpu = sum(after - before for after, before in zip(cpu_after[:4], cpu_before[:4],
                                                           strict=True))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        db.session.refresh(job)
        from io import BytesIO

        from pypdf import PdfReader

        from partnership.core.storage import storage

        files = {info.key.rsplit("/", 1)[1]: info.size
                 for info in storage().listing(services.CACHE_AREA)
                 if info.key.startswith(f"{job.key}/")}
        pdf = storage().get(services.CACHE_AREA, f"{job.key}/catalogue.pdf")
        pages = len(PdfReader(BytesIO(pdf)).pages)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"status": job.status, "organisations": job.organisations,
                      "seconds": total, "before_mb": before, "peak_mb": peak, "pages": pages,
                      "children_peak_mb": children, "cpu_seconds": cpu,
                      "files": files,
                      "steps": [(p, round(t - started, 2)) for p, t in marks]}))


class TreeMemory:
    """The peak memory of a process and its descendants (the layout processes), sampled from
    /proc: the sum of their PSS (a page shared by n processes counts 1/n in each) and of
    their RSS."""

    def __init__(self, pid: int):
        self.pid, self.pss, self.rss = pid, 0.0, 0.0

    def pids(self, pid: int) -> list[int]:
        found = [pid]
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in children:
                found += self.pids(int(child))
        return found

    def sample(self) -> None:
        pss = rss = 0
        for pid in self.pids(self.pid):
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            for line in text.splitlines():
                name, _, value = line.partition(":")
                if name == "Pss":
                    pss += int(value.split()[0])
                elif name == "Rss":
                    rss += int(value.split()[0])
        self.pss, self.rss = max(self.pss, pss / 1024), max(self.rss, rss / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--language", default="kk")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.language)
        return
    folder = Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    try:
        started = time.perf_counter()
        fill(folder, args.organisations, args.items)
        print(f"made {args.organisations} organisations with {args.items} items each "
              f"in {time.perf_counter() - started:.1f} s")
        child_process = subprocess.Popen(  # noqa: S603 - this script itself
            [sys.executable, "-m", "benchmarks.catalogue", "--child", str(folder),
             "--language", args.language], stdout=subprocess.PIPE, text=True)
        tree = TreeMemory(child_process.pid)
        while child_process.poll() is None:
            tree.sample()
            time.sleep(0.05)
        output = child_process.stdout.read()
        if child_process.returncode:
            raise SystemExit(f"the rendering process failed ({child_process.returncode})")
        figures = json.loads(output.strip().splitlines()[-1])
        print(f"catalogue ({args.language}), {figures['organisations']} organisations, "
              f"{figures['pages']} pages: {figures['status']}")
        print(f"  rendering (PDF + XLSX + specimen): {figures['seconds']:.1f} s "
              f"(target <= 30 s); CPU time {figures['cpu_seconds']:.1f} s (user and system, "
              f"with the layout processes'; load on the machine: {os.getloadavg()[0]:.1f})")
        print(f"  progress marks (percent, s): {figures['steps']}")
        print(f"  peak RSS {figures['peak_mb']:.0f} MB (before rendering "
              f"{figures['before_mb']:.0f} MB), its layout processes at most "
              f"{figures['children_peak_mb']:.0f} MB each")
        print(f"  peak of the process and its layout processes together: {tree.pss:.0f} MB "
              f"PSS (shared pages counted once; target <= 400 MB), {tree.rss:.0f} MB RSS "
              f"summed (shared pages counted in each)")
        print(f"  files: {figures['files']}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
