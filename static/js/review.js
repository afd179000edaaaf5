// The reviewer's one pass through a town. On the queue: ↑/↓ or j/k choose a row, Enter opens it, and the
// header checkbox ticks every item whose proposal can be accepted. On the review page: "n" opens 下一项 and
// "p" 上一项 (not while typing), the evidence list switches the viewer, and 调整理由 shows only when the points
// differ from the proposal.
(function () {
  "use strict";
  var rows = [];
  var current = -1;
  var table = document.querySelector("table[data-keyboard-rows]");
  var nextLink = document.getElementById("next-item");
  var previousLink = document.getElementById("previous-item");

  function typing(el) {
    var tag = el && el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (el && el.isContentEditable);
  }

  function choose(index) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("current"); }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("current");
    rows[current].scrollIntoView({ block: "nearest" });
  }

  if (table) {
    rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-item]"));
    choose(0);
    rows.forEach(function (row, index) {
      row.addEventListener("click", function () { choose(index); });
    });
    var all = document.getElementById("pick-all");
    if (all) {
      all.addEventListener("change", function () {
        table.querySelectorAll("tbody input[name=item]").forEach(function (box) { box.checked = all.checked; });
      });
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var key = event.key;
    if (rows.length && (key === "ArrowDown" || key === "j")) {
      choose(current + 1);
      event.preventDefault();
    } else if (rows.length && (key === "ArrowUp" || key === "k")) {
      choose(current - 1);
      event.preventDefault();
    } else if (rows.length && key === "Enter" && current >= 0 && event.target.tagName !== "A" &&
               event.target.tagName !== "BUTTON") {
      var open = rows[current].querySelector("a.open");
      if (open) { event.preventDefault(); window.location.href = open.href; }
    } else if (key === "n" && nextLink) {
      window.location.href = nextLink.href;
    } else if (key === "p" && previousLink) {
      window.location.href = previousLink.href;
    }
  });

  // The evidence viewer shows one file at a time; the list chooses which.
  var viewer = document.getElementById("evidence-viewer");
  var list = document.getElementById("evidence-list");
  if (viewer && list) {
    list.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-preview]");
      if (!link) { return; }
      event.preventDefault();
      var shown = document.createElement(link.dataset.kind === "pdf" ? "iframe" : "img");
      shown.className = "preview";
      shown.src = link.dataset.preview;
      if (link.dataset.kind === "pdf") { shown.title = link.textContent; } else { shown.alt = link.textContent; }
      viewer.replaceChildren(shown);
      list.querySelectorAll("li").forEach(function (li) { li.classList.toggle("current", li.contains(link)); });
    });
  }

  // 调整理由 is asked for only when the points differ from the engine's proposal.
  var form = document.getElementById("review-form");
  var reasonField = document.getElementById("override-field");
  if (form && reasonField && form.dataset.proposed) {
    var toggle = function () {
      var same = form.elements.points.value !== "" && Number(form.elements.points.value) === Number(form.dataset.proposed);
      reasonField.hidden = same && !form.elements.override_reason.value && !reasonField.querySelector(".errorlist");
    };
    form.elements.points.addEventListener("input", toggle);
    toggle();
  }

  // After a save the server opens the next item: forget what was typed for the item just saved (submission.js
  // keeps it under this key until the server confirms, and only clears the key of the page showing the message).
  try {
    var saving = sessionStorage.getItem("review-saving");
    sessionStorage.removeItem("review-saving");
    if (saving && document.querySelector(".msg-success")) { localStorage.removeItem(saving); }
    if (form && form.dataset.submissionId) {
      var key = "submission-" + form.dataset.userId + "-" + form.dataset.submissionId;
      form.addEventListener("submit", function () { sessionStorage.setItem("review-saving", key); });
    }
  } catch (e) { /* storage disabled */ }
})();
