// Article page: each checkbox shows or hides one layer of marks (a class on the text container).
(function () {
  "use strict";
  var text = document.getElementById("text");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#layers input[data-layer]"));
  function apply(box) { text.classList.toggle("show-" + box.dataset.layer, box.checked); }
  boxes.forEach(function (box) { box.addEventListener("change", function () { apply(box); }); apply(box); });
  function setAll(on) { boxes.forEach(function (b) { b.checked = on; apply(b); }); }
  document.getElementById("layers-none").addEventListener("click", function () { setAll(false); });
  document.getElementById("layers-all").addEventListener("click", function () { setAll(true); });
  // a record link scrolls to its span; flash it so the eye finds it
  document.querySelectorAll(".records a[href^='#s']").forEach(function (a) {
    a.addEventListener("click", function () {
      var el = document.getElementById(a.getAttribute("href").slice(1));
      if (!el) { return; }
      el.classList.remove("flash"); void el.offsetWidth; el.classList.add("flash");
    });
  });
  // delete the article (its reports leave their incidents, which are re-linked): a second click confirms
  var del = document.getElementById("delete-article"), msg = document.getElementById("delete-msg");
  if (del) {
    del.addEventListener("click", function () {
      if (del.dataset.armed !== "1") {
        del.dataset.armed = "1";
        del.textContent = "Really delete? Click again";
        msg.textContent = "Its events leave their incidents, which are linked again without them.";
        return;
      }
      del.disabled = true;
      var headers = {};
      var token = sessionStorage.getItem("ew-token");
      if (token) { headers.Authorization = "Bearer " + token; }
      fetch("/api/articles/" + encodeURIComponent(del.dataset.id), { method: "DELETE", headers: headers })
        .then(function (r) { return r.json().then(function (j) { if (!r.ok) { throw new Error(j.detail || ("HTTP " + r.status)); } return j; }); })
        .then(function () { location.href = "/articles?deleted=1"; })
        .catch(function (e) { del.disabled = false; msg.textContent = "Not deleted: " + e.message; });
    });
  }
})();
