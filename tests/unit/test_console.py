"""The development console is quiet and clear: each message once, no PDF progress lines."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import logging, sys
from partnership import create_app
app = create_app({"ENV_NAME": "development", "INSTANCE_PATH": sys.argv[1],
                  "SQLALCHEMY_DATABASE_URI": "sqlite://"})
logging.getLogger("partnership.core.mail").info("E-mail to someone@example.org")
logging.getLogger("weasyprint.progress").info("Step 1 - Fetching and parsing HTML")
"""


def test_each_message_is_printed_once_and_no_pdf_progress(tmp_path):
    result = subprocess.run(  # noqa: S603 - this interpreter and our own script
        [sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, check=True)
    assert result.stderr.count("E-mail to someone@example.org") == 1, result.stderr
    assert "Fetching and parsing HTML" not in result.stderr
