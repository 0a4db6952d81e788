// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a destructive action: <form data-confirm="...">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A table or chart wider than the screen scrolls sideways in its frame. The frame takes focus
  // (Tab, then the arrow keys scroll it) while, and only while, it has something to scroll, and
  // is named after its table's caption or the heading above it (WCAG 2.1.1).
  const frames = document.querySelectorAll(".table-wrap, .dashboard__scroll");
  frames.forEach((frame) => {
    const caption = frame.querySelector("caption");
    let heading = frame.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
    const name = (caption || heading || {}).textContent;
    if (name && !frame.hasAttribute("aria-label")) {
      frame.setAttribute("role", "group");   // not a landmark: it repeats its section's name
      frame.setAttribute("aria-label", name.trim());
    }
  });
  const reachable = () => frames.forEach((frame) => {
    if (frame.scrollWidth > frame.clientWidth) frame.setAttribute("tabindex", "0");
    else frame.removeAttribute("tabindex");
  });
  reachable();
  window.addEventListener("resize", reachable);
  // Move focus to the first field with an error so keyboard and screen-reader users land there.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});
