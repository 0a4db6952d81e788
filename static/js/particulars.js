// The particulars form's preview follows what is typed: a moment after the last key, the form
// is sent with its "Preview" button (nothing is saved) and the preview section of the answer
// replaces the one on the page. Without this script the button does the same on a click.
(function () {
  "use strict";
  var form = document.querySelector("form.particulars-form");
  var button = form && form.querySelector("[name=preview]");
  var status = document.getElementById("particulars-preview-status");
  if (!form || !button || !window.fetch || !window.DOMParser) { return; }
  var timer = null;
  var sent = 0;

  function refresh() {
    var number = ++sent;
    var data = new FormData(form);
    data.append(button.name, button.value);
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin"
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      if (number !== sent) { return; }          // a newer preview is on its way
      var fresh = new DOMParser().parseFromString(html, "text/html")
        .getElementById("particulars-preview");
      var current = document.getElementById("particulars-preview");
      if (!fresh) {                              // a value is refused: the button shows why
        if (current) { current.classList.add("particulars-preview--stale"); }
        if (status) { status.textContent = status.dataset.stale; }
        return;
      }
      if (current) { current.replaceWith(fresh); } else { form.before(fresh); }
      if (status) { status.textContent = status.dataset.updated; }
    }).catch(function () {
      if (status) { status.textContent = status.dataset.stale; }
    });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 500);
  });
})();
