// The preview beside the form: the patient page of the unsaved form, in the language being edited. The form's
// fields go by POST to the admin's preview URL (data-url on #live-preview), which renders the real patient
// template and saves nothing; the answer is shown in a sandboxed frame (no scripts, no forms). It refreshes 800 ms
// after the editor stops typing, when the language switch moves (once a preview is shown), and on the button.
(function () {
  "use strict";
  var DELAY = 800;

  function setUp() {
    var panel = document.getElementById("live-preview");
    var form = panel && document.querySelector("#content-main form");
    if (!form) {
      return;
    }
    var frame = document.getElementById("live-preview-frame");
    var language = document.getElementById("live-preview-language");
    var timer = null;
    var sent = 0;
    panel.hidden = false;

    function refresh() {
      var number = ++sent;
      var body = new FormData(form);
      body.append("preview_language", language.value);
      panel.setAttribute("aria-busy", "true");
      fetch(panel.dataset.url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && number === sent) {  // an older answer arriving late is dropped
            frame.srcdoc = html;
          }
          panel.removeAttribute("aria-busy");
        })
        .catch(function () { panel.removeAttribute("aria-busy"); });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY);
    }

    // The language the form shows (modeltranslation's switch, kept by admin-language.js) is the one previewed.
    var main = document.getElementById("modeltranslation-main-switch");
    function follow() {
      var option = main && main.options[main.selectedIndex];
      var code = option && option.dataset.language;
      if (code && code !== language.value && language.querySelector('option[value="' + code + '"]')) {
        language.value = code;
        if (frame.srcdoc) {
          refresh();
        }
      }
    }
    if (main) {
      main.addEventListener("change", follow);
      follow();
    }
    form.addEventListener("input", later);
    form.addEventListener("change", function (event) {
      if (event.target !== main) {
        later();
      }
    });
    language.addEventListener("change", refresh);
    document.getElementById("live-preview-refresh").addEventListener("click", refresh);
    // No request on page load: the preview first appears when the editor types or asks for it, so opening or
    // leaving a form never races a save (see the README, "Editing screen").
  }

  // After admin-language.js (which runs after modeltranslation's tabs): the switch's options know their language.
  window.addEventListener("load", function () {
    window.setTimeout(function () { window.setTimeout(setUp); });
  });
})();
