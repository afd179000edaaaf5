// Keeps what an official types in the browser until the server has it, so an
// expired session or a lost connection does not lose the text, and stops a
// double click from sending the form twice.
(function () {
  "use strict";
  var form = document.querySelector("form[data-submission-id][data-user-id]");
  if (!form) { return; }
  // Keyed by user as well as item: on a shared computer one official never sees another's unsaved text.
  // The logout form (base.html) removes every "submission-" key.
  var key = "submission-" + form.dataset.userId + "-" + form.dataset.submissionId;
  try {
    // Keys of an older version of this page, without the user: nobody can tell whose they are.
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var old = localStorage.key(i);
      if (/^submission-\d+$/.test(old || "")) { localStorage.removeItem(old); }
    }
  } catch (e) { /* storage disabled */ }
  if (form.querySelector("fieldset[disabled]")) { return; }
  var fields = Array.prototype.filter.call(form.elements, function (el) {
    return el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit";
  });
  var hasErrors = !!form.querySelector(".errorlist");

  function snapshot() {
    var data = { values: {} };
    fields.forEach(function (el) { data.values[el.name] = el.value; });
    return data;
  }
  function save() {
    try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or disabled */ }
  }
  function restore() {
    var raw = null;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw) { return; }
    var saved = JSON.parse(raw);
    var differs = fields.some(function (el) { return (saved.values[el.name] || "") !== el.value; });
    if (!differs) { localStorage.removeItem(key); return; }
    fields.forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(saved.values, el.name)) { el.value = saved.values[el.name]; }
    });
    var note = document.createElement("p");
    note.className = "messages";
    note.id = "restored-note";
    note.textContent = "已恢复您上次在本机输入但尚未保存的内容，请核对后保存。";
    form.insertBefore(note, form.firstChild);
  }

  // The server confirmed the save: what it shows now is what it stored.
  if (document.querySelector(".msg-success") && !hasErrors) {
    try { localStorage.removeItem(key); } catch (e) { /* storage disabled */ }
  } else if (!hasErrors) {
    restore();
  }
  form.addEventListener("input", save);
  form.addEventListener("submit", function (event) {
    save();
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
  });
})();
