// Corrections from the browser (incidents table, incident page, corrections history): each is a POST
// to the API with a note and an author (on loopback the name typed; beyond it the server takes the
// name of the token given). Answers and errors are shown as text, never as HTML.
(function () {
  "use strict";
  function field(form, name) {
    var el = form && form.elements[name];
    return el ? el.value.trim() : "";
  }
  function post(url, body, form) {
    var headers = { "Content-Type": "application/json" };
    var token = field(form, "token") || sessionStorage.getItem("ew-token") || "";
    if (field(form, "token")) { sessionStorage.setItem("ew-token", field(form, "token")); }
    if (token) { headers.Authorization = "Bearer " + token; }
    var by = field(form, "by");
    if (by) { localStorage.setItem("ew-author", by); body.by = by; }
    var note = field(form, "note");
    if (note) { body.note = note; }
    return fetch(url, { method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin" })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) { throw new Error(j.detail || ("HTTP " + r.status)); }
          return j;
        });
      });
  }
  function remember(form) {
    var el = form && form.elements.by;
    if (el && !el.value) { el.value = localStorage.getItem("ew-author") || ""; }
  }
  function undo(id, form) { return post("/api/corrections/" + encodeURIComponent(id) + "/undo", {}, form); }
  // a status line: text, then an optional Undo button for the correction just made
  function say(el, text, corrId, form, after) {
    while (el.firstChild) { el.removeChild(el.firstChild); }
    el.appendChild(document.createTextNode(text + " "));
    if (corrId) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "small-btn undo-last"; b.textContent = "Undo";
      b.addEventListener("click", function () {
        b.disabled = true;
        undo(corrId, form).then(function () { say(el, "Correction " + corrId + " undone.", null); if (after) { after(); } })
          .catch(function (e) { say(el, "Could not undo: " + e.message, null); });
      });
      el.appendChild(b);
    }
  }
  window.EWCorrect = { post: post, undo: undo, say: say, remember: remember };
})();
