// Incident page and corrections history: regrade, discount, merge another incident in, split a report
// out, and undo a correction. Each is a POST to the API; the page reloads to show the result.
(function () {
  "use strict";
  var form = document.getElementById("correct");
  var msg = document.getElementById("msg");
  var box = document.getElementById("incident");
  var id = box ? box.dataset.id : null;
  EWCorrect.remember(form);
  function fail(e) { EWCorrect.say(msg, "Not done: " + e.message, null); }
  function then(text, target) {
    return function (j) {
      EWCorrect.say(msg, text + " (correction " + j.correction + ", by " + j.by + ").", j.correction, form);
      var next = target ? target(j) : id;
      setTimeout(function () { location.href = "/incidents/" + encodeURIComponent(next) + "?done=" + j.correction; }, 300);
    };
  }
  function post(path, body) { return EWCorrect.post("/api/incidents/" + encodeURIComponent(id) + path, body, form); }
  if (id) {
    form.querySelectorAll("button[data-act]").forEach(function (b) {
      b.addEventListener("click", function () {
        var act = b.dataset.act;
        if (act === "grade") { post("/grade", { grade: form.elements.grade.value }).then(then("Regraded")).catch(fail); }
        if (act === "discount") {
          if (!form.elements.note.value.trim()) {
            EWCorrect.say(msg, "Say why in the note: a discounted incident is set aside for everyone.", null);
            form.elements.note.focus();
            return;
          }
          post("/grade", { grade: "discounted" }).then(then("Discounted")).catch(fail);
        }
        if (act === "merge") {
          var other = form.elements.other.value.trim();
          if (!other) { EWCorrect.say(msg, "Give the id of the incident to merge into this one.", null); return; }
          post("/merge", { other: other }).then(then("Merged " + other + " into this incident",
            function (j) { return j.incident ? j.incident.id : id; })).catch(fail);
        }
      });
    });
    document.querySelectorAll("button.split-out").forEach(function (b) {
      b.addEventListener("click", function () {
        b.disabled = true;
        post("/split", { event: b.dataset.key }).then(then("Split " + b.dataset.key + " out", function () { return id; }))
          .catch(function (e) { b.disabled = false; fail(e); });
      });
    });
  }
  document.querySelectorAll("button.undo").forEach(function (b) {
    b.addEventListener("click", function () {
      b.disabled = true;
      EWCorrect.undo(b.dataset.id, form).then(function () {
        EWCorrect.say(msg, "Correction " + b.dataset.id + " undone.", null);
        setTimeout(function () { location.reload(); }, 300);
      }).catch(function (e) { b.disabled = false; fail(e); });
    });
  });
})();
