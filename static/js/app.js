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
  // Move focus to the first field with an error so keyboard and screen-reader users land there.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});
