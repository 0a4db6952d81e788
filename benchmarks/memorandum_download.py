"""Memorandum PDF download through the test client: the first (rendered) and cached ones.

Run:  .venv/bin/python -m benchmarks.memorandum_download [--repeat 200] [--languages uk-kk-en]
      (from the project folder: it reuses the test factories)
SQLite in a temporary folder. A signed-in Kazakh manager downloads the newest version of a
trilingual memorandum; the first download renders (WeasyPrint), the next ones are read from
the cache in the shared storage (the stored_file table). Prints the first download's time and
the median and p95 of the cached ones (target: <= 20 ms).
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pyotp
from flask_migrate import upgrade

from partnership import create_app
from partnership.core.roles import Role
from partnership.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--languages", default="uk-kk-en")
    parser.add_argument("--agreed", action="store_true",
                        help="agree the memorandum first: its PDF is sealed (issue 13)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="memorandum-bench-"))
    try:
        run(folder, args.repeat, args.languages, args.agreed)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path, repeat: int, languages: str, agreed: bool = False) -> None:
    from tests.conftest import IsolatedClient, log_in
    from tests.factories import UserFactory
    from tests.factories_memoranda import World

    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "INSTANCE_PATH": str(folder / "instance")})
    app.test_client_class = IsolatedClient  # each request in its own context, as a server
    with app.app_context():
        upgrade()
        world = World()
        memorandum = world.memorandum()
        if agreed:
            from partnership.memoranda import approvals, services

            approvals.submit_for_review(world.ua_manager, memorandum)
            for actor in (world.ua_manager, world.kz_manager, world.officer):
                approvals.approve(actor, memorandum, services.latest(memorandum).number)
            db.session.commit()
        UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=pyotp.random_base32())
        client = app.test_client()
        log_in(client, world.kz_manager)
        path = f"/memoranda/{memorandum.id}/pdf?languages={languages}"
        db.session.remove()

        started = time.perf_counter()
        first = client.get(path)
        first_ms = (time.perf_counter() - started) * 1000
        assert first.status_code == 200 and first.data.startswith(b"%PDF"), first.status_code
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.data == first.data
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        sealed = b"/ByteRange" in first.data
        print(f"memorandum download ({languages}, {len(first.data) / 1024:.0f} KiB, "
              f"{'sealed' if sealed else 'not sealed'}):")
        print(f"  first (rendered):  {first_ms:8.1f} ms")
        print(f"  cached, n={repeat}:   median {statistics.median(times):6.1f} ms   "
              f"p95 {p95:6.1f} ms   (target <= 20 ms)")


if __name__ == "__main__":
    main()
