// Keeps what an official types in the browser until the server has it, so an
// expired session or a lost connection does not lose the text, and stops a
// double click from sending the form twice.
(function () {
  "use strict";
  var form = document.querySelector("form[data-storage-key]");
  if (!form || form.querySelector("fieldset[disabled]")) { return; }
  var key = form.dataset.storageKey;
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
