// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a destructive action: <form data-confirm="...">.
  // "OK" marks the form confirmed, so the server does not ask again (core/confirm.py); a
  // button of its own (<button data-confirm>) asks its own sentence.
  document.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const asking = event.submitter && event.submitter.dataset.confirm ? event.submitter : form;
      const sentence = asking.dataset.confirm;
      if (!sentence) return;
      if (!window.confirm(sentence)) {
        event.preventDefault();
        return;
      }
      let confirmed = form.querySelector("input[name='confirmed']");
      if (!confirmed) {
        confirmed = document.createElement("input");
        confirmed.type = "hidden";
        confirmed.name = "confirmed";
        form.appendChild(confirmed);
      }
      confirmed.value = "1";
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
  // A form came back with errors: move the focus to its summary (as GOV.UK's does), so
  // keyboard and screen-reader users hear what is wrong and follow its links to the fields.
  // Without a summary, to the first field with an error.
  const summary = document.querySelector("[data-error-summary]");
  const invalid = document.querySelector("[aria-invalid='true']");
  if (summary) {
    summary.focus();
    // A link moves to its field with the field's label in view, not hidden above the fold.
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const input = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!input) return;
      event.preventDefault();
      (input.closest(".field") || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  } else if (invalid) invalid.focus();
  menu();
});

// The main menu: the "Menu" button (phones) and each group's button are disclosure buttons
// (aria-expanded, aria-controls). One group is open at a time; Escape, a click elsewhere or
// focus leaving a group closes it, and Escape brings the focus back to its button.
function menu() {
  const nav = document.querySelector(".site-nav");
  if (!nav) return;
  const groups = Array.from(nav.querySelectorAll(".menu-group__toggle"));
  const toggle = nav.querySelector(".site-nav__toggle");
  const setOpen = (button, open) => button.setAttribute("aria-expanded", open ? "true" : "false");
  const isOpen = (button) => button.getAttribute("aria-expanded") === "true";
  groups.forEach((button) => {
    button.addEventListener("click", () => {
      const open = !isOpen(button);
      groups.forEach((other) => setOpen(other, false));
      setOpen(button, open);
    });
    button.parentElement.addEventListener("focusout", (event) => {
      if (!button.parentElement.contains(event.relatedTarget)) setOpen(button, false);
    });
  });
  if (toggle) toggle.addEventListener("click", () => setOpen(toggle, !isOpen(toggle)));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const group = groups.find(isOpen);
    if (group) {
      setOpen(group, false);
      group.focus();
    } else if (toggle && isOpen(toggle)) {
      setOpen(toggle, false);
      toggle.focus();
    }
  });
  document.addEventListener("click", (event) => {
    groups.forEach((button) => {
      if (!button.parentElement.contains(event.target)) setOpen(button, false);
    });
  });
}
