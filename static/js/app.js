// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a destructive action: <form data-confirm="...">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Move focus to the first field with an error so keyboard and screen-reader users land there.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});
