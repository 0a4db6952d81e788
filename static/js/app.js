// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a destructive action: <form data-confirm="...">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
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
});
