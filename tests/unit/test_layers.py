"""The architecture holds: import-linter's contracts (pyproject.toml, run by `make lint`), and
one module owns every change of a partnership's status."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "partnership"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
STATUS_OWNER = PACKAGE / "partnerships" / "workflow.py"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run lint-imports on the ``partnership`` package found in ``root``."""
    return subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, env={"PYTHONPATH": str(root), "PATH": ""}, capture_output=True, text=True,
        timeout=120)


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "partnership",
                    ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po", "*.pot"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_core_importing_an_area_breaks_the_layers(tmp_path):
    root = _copy_of_the_package(tmp_path)
    with open(root / "partnership" / "core" / "roles.py", "a") as module:
        module.write("\n\ndef _upward():\n    from ..memoranda import models  # noqa: F401\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "partnership.core is not allowed to import partnership.memoranda" in result.stdout


def test_two_modules_importing_each_other_break_the_no_loops_contract(tmp_path):
    root = _copy_of_the_package(tmp_path)
    # programme.timeline is imported by programme.cases: importing it back closes a loop.
    with open(root / "partnership" / "programme" / "timeline.py", "a") as module:
        module.write("\n\ndef _back():\n    from . import cases  # noqa: F401\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "No cycles are allowed in partnership.programme" in result.stdout


# --- one owner for a partnership's status ------------------------------------------------------

def status_writers(source: str) -> list[int]:
    """Lines of ``source`` that set a partnership's status or write its history by hand:
    ``<...partnership...>.status = ...``, a value of ``PartnershipStatus`` assigned to any
    ``.status``, ``Partnership(status=...)``, ``update(Partnership)`` or a ``PartnershipEvent``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            flat = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
            value = ast.unparse(node.value) if node.value is not None else ""
            for target in flat:
                if isinstance(target, ast.Attribute) and target.attr == "status" and (
                        "partnership" in ast.unparse(target.value).lower()
                        or "PartnershipStatus" in value):
                    found.append(node.lineno)
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name.endswith("PartnershipEvent") or (
                    name.endswith("Partnership") and any(k.arg == "status"
                                                         for k in node.keywords)) or (
                    name.endswith("update") and node.args
                    and ast.unparse(node.args[0]).endswith("Partnership")):
                found.append(node.lineno)
    return found


def test_only_the_partnership_workflow_changes_a_partnership_status():
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(PACKAGE.rglob("*.py")) if path != STATUS_OWNER
        if (lines := status_writers(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "change a partnership's status through partnerships.workflow"
    assert status_writers(STATUS_OWNER.read_text(encoding="utf-8")), "the owner does change it"


def test_the_status_check_sees_each_way_of_writing_one():
    for source in ("partnership.status = PartnershipStatus.ACTIVE",
                   "p.status, p.updated_at = PartnershipStatus.SIGNED, now",
                   "self.partnership.status = target",
                   "Partnership(reference='x', status=S.FORMING)",
                   "db.session.execute(update(Partnership).values(status='active'))",
                   "p.events.append(PartnershipEvent(actor_id=1, to_status='forming'))"):
        assert status_writers(source) == [1], source
    assert status_writers("match.status = MatchStatus.VETTED") == []
