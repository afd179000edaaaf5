// 试算 on the item page: as figures and yes/no answers change, asks the server (the same engine the reviewer's
// proposal comes from) what it would propose, and shows the points and the reasoning. No rule is copied here.
(function () {
  "use strict";
  var box = document.getElementById("trial");
  var form = document.getElementById("submission-form");
  if (!box || !form) { return; }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var points = document.getElementById("trial-points");
  var reasoning = document.getElementById("trial-reasoning");
  var status = document.getElementById("trial-status");
  var timer = null;
  var sent = 0;

  function reads(el) { return el.name && (el.name.indexOf("metric_") === 0 || el.name.indexOf("answer_") === 0); }

  function collect() {
    var data = { figures: {}, answers: {} };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!reads(el)) { return; }
      var code = el.name.slice(7);
      if (el.name.indexOf("metric_") === 0) { data.figures[code] = el.value.trim(); } else { data.answers[code] = el.value; }
    });
    return data;
  }

  function show(data) {
    points.textContent = data.points === null ? "—" : data.points + " 分（满分 " + data.max_points + " 分）";
    while (reasoning.firstChild) { reasoning.removeChild(reasoning.firstChild); }
    data.reasoning.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      reasoning.appendChild(item);
    });
    status.textContent = "";
    box.dataset.points = data.points === null ? "" : data.points;
  }

  function update() {
    var mine = ++sent;
    status.textContent = "试算中…";
    fetch(box.dataset.url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(collect()),
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (mine !== sent) { return; }  // a later change has been sent since
      if (result.ok) { show(result.data); } else { status.textContent = result.data.detail || "试算失败。"; }
      box.dataset.done = String(mine);
    }).catch(function () {
      if (mine === sent) { status.textContent = "试算暂不可用，不影响保存。"; }
    });
  }

  function later(event) {
    if (!reads(event.target)) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 300);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  update();
})();
