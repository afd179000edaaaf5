// Behaviour shared by every page, kept out of the HTML so the Content-Security-Policy can forbid inline script:
// selects that submit their form or reload the page on change, forms that ask for confirmation, and the logout
// form that forgets unsaved typing.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-autosubmit]")) { el.form.submit(); }
    // e.g. 新建年度考评: choosing the round to copy reloads the page with ?source=<id>.
    if (el.matches("select[data-navigate-param]")) {
      window.location = "?" + encodeURIComponent(el.dataset.navigateParam) + "=" + encodeURIComponent(el.value);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
    // Text kept by submission.js ("submission-<user>-<item>") must not outlive the login on a shared computer.
    if (form.id === "logout-form") {
      try {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var key = localStorage.key(i);
          if (key && key.indexOf("submission-") === 0) { localStorage.removeItem(key); }
        }
      } catch (e) { /* storage disabled */ }
    }
  });
})();
