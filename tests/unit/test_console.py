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


PRODUCTION = """
import logging, sys
from partnership import create_app
create_app({"ENV_NAME": "production", "INSTANCE_PATH": sys.argv[1], "SECRET_KEY": "k" * 40,
            "PUBLIC_BASE_URL": "https://partnerships.example.org",
            "SQLALCHEMY_DATABASE_URI": "sqlite://"})
logging.getLogger("partnership.core.mail").warning("e-mail 7 to someone@example.org failed")
"""


def test_production_writes_one_json_object_a_line_without_the_address(tmp_path):
    import json

    result = subprocess.run(  # noqa: S603 - this interpreter and our own script
        [sys.executable, "-c", PRODUCTION, str(tmp_path)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, check=True)
    [line] = [json.loads(raw) for raw in result.stderr.splitlines() if "e-mail 7" in raw]
    assert line["message"] == "e-mail 7 to [e-mail] failed"
    assert (line["level"], line["logger"]) == ("WARNING", "partnership.core.mail")
    assert "someone@example.org" not in result.stderr
