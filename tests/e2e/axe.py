"""axe-core in the browser tests: inject the vendored engine, run it, describe what it finds.

The engine (``vendor/axe-core/axe.min.js``, axe-core 4.14.1 from npm) is a test asset: a
browser context gets it as an init script, so the application never loads it.
"""

from pathlib import Path

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# The rules axe runs by default (WCAG 2.0, 2.1 and 2.2 A and AA, and its best practices),
# with none left out, plus WCAG 2.2's target size (2.5.8, AA), which axe leaves off by default.
# A violation of any impact fails the test.
RUN = """async (exceptions) => {
  const result = await axe.run(document, {resultTypes: ['violations'], elementRef: true,
                                          rules: {'target-size': {enabled: true}}});
  const excepted = (rule, node) => exceptions.some(
    ([id, selector]) => id === rule && node.element && node.element.closest(selector));
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.filter((n) => !excepted(v.id, n)).map((n) => ({
      target: n.target.join(' '), html: n.html.slice(0, 160),
      summary: (n.failureSummary || '').slice(0, 300)}))})).filter((v) => v.nodes.length);
}"""

# Reviewed false positives: (rule id, CSS selector of the element or an ancestor) -> why it is
# not a real barrier: only what WCAG itself exempts and axe cannot tell; a real problem is fixed.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("color-contrast", ".watermark"): (
        "The memorandum preview's faint DRAFT (or IN REVIEW) watermark across the sheet, as it "
        "prints: it is hidden from assistive technology (aria-hidden), the state is written in "
        "full contrast in the preview's bar, so the watermark is incidental text (WCAG 1.4.3 "
        "exempts it); at 3:1 it would cover the clauses it lies under."),
}


def add_axe(context) -> None:
    """Every page this browser context opens gets axe (before its own scripts run)."""
    context.add_init_script(path=str(AXE_JS))


def violations(page) -> list[dict]:
    """What axe finds on the page as it is now, less the reviewed exceptions (an element
    inside an exception's CSS selector, for that rule)."""
    return page.evaluate(RUN, [list(key) for key in EXCEPTIONS])


def describe(where: str, found: list[dict]) -> list[str]:
    """One line per violated rule, with the first elements it names."""
    lines = []
    for violation in found:
        targets = "; ".join(f"{n['target']} {n['html']}" for n in violation["nodes"][:3])
        lines.append(f"{where}: {violation['id']} ({violation['impact']}) x"
                     f"{len(violation['nodes'])}: {violation['help']} :: {targets} :: "
                     f"{violation['nodes'][0]['summary']}")
    return lines
