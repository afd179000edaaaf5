// Admin export page (django-import-export): the "select all" box's inline onchange is blocked by the
// Content-Security-Policy, so its handler (from the package's export_selectable_fields.js) is attached here.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (box) {
    if (typeof onSelectToggleChange === "function") { box.addEventListener("change", onSelectToggleChange); }
  });
});
