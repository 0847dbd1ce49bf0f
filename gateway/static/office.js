// The send dialog's post search, as you type: hide the posts that do not have every typed word
// (nukta and joiners ignored, as the server's search does). Without script the search button
// asks the server instead, so nothing depends on this file.
"use strict";
(function () {
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u093c\u200b-\u200d\u2060\ufeff]/g, "").toLowerCase();
  }
  document.querySelectorAll("input[data-filters]").forEach(function (box) {
    var select = document.getElementById(box.dataset.filters);
    if (!select) return;
    function filter() {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var text = fold(option.dataset.search || option.textContent);
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match;
        if (match) shown += 1;
      });
      if (select.selectedOptions.length && select.selectedOptions[0].hidden) select.value = "";
      select.dataset.shown = String(shown);
    }
    box.addEventListener("input", filter);
    filter(); // what was typed before this script ran (a slow link) counts too
    box.form.addEventListener("submit", function (event) {
      event.preventDefault(); // already filtered in place; keep what was typed in the dialog
    });
  });
})();

// A form marked data-submit-once disables its buttons once sent, so a slow answer (applying a
// sheet of thousands of rows, an application for leave) is not asked for twice by an impatient
// second click. Disabled a moment later: a button disabled while its form is being sent would
// leave its own name and formaction out of what is sent.
(function () {
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
})();
