"""Stop early, with the Debian package to install, when the machine lacks what the app needs."""

import ctypes.util
import sys

# ruff: noqa: UP036 - this script must run on older Pythons to say they are too old

MISSING = []

if sys.version_info < (3, 11):
    MISSING.append(("Python 3.11 or newer", "python3 (Debian 12 or newer ships 3.11)"))

try:
    import ensurepip  # noqa: F401
    import venv  # noqa: F401
except ImportError:
    MISSING.append(("the venv module", "python3-venv"))

# WeasyPrint (memorandum PDFs) loads Pango and its friends at run time.
for library, package in (("pango-1.0", "libpango-1.0-0"), ("pangoft2-1.0", "libpangoft2-1.0-0"),
                         ("harfbuzz", "libharfbuzz0b"), ("fontconfig", "libfontconfig1")):
    if ctypes.util.find_library(library) is None:
        MISSING.append((f"the {library} library (needed by WeasyPrint for PDFs)", package))

if MISSING:
    print("This machine is missing:", file=sys.stderr)
    for what, package in MISSING:
        print(f"  - {what}: install the Debian package {package}", file=sys.stderr)
    packages = " ".join(sorted({package.split(" ")[0] for _, package in MISSING}))
    print(f"\nFor example: sudo apt-get install {packages}", file=sys.stderr)
    sys.exit(1)
