// The sign screen asks by itself, every few seconds, whether the office has the signature from
// the officer's token, and shows the result when it has. Without script, "Check again" does it.
"use strict";
(function () {
  var box = document.querySelector("[data-state-url]");
  if (!box) return;
  var shown = box.dataset.state;
  var tries = 0;
  function ask() {
    tries += 1;
    fetch(box.dataset.stateUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (answer && answer.state !== shown) {
          window.location.reload();
        } else if (tries < 300) {
          window.setTimeout(ask, 3000);
        }
      })
      .catch(function () { if (tries < 300) window.setTimeout(ask, 6000); });
  }
  if (shown === "waiting") window.setTimeout(ask, 3000);
})();
