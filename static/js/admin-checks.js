// Checks while you type: beside each translated text field of a content form, the findings of the same checks the
// save runs (risky phrases, content accessibility, and the readability of a scored field), for the unsaved text.
// A pause of 600 ms in typing sends that field's text to the admin's check URL (data-url on this script); the
// answer's HTML, already in the editor's language, goes into a live region under the field. Nothing is checked
// on page load: until the editor types, the "Content checks" of the last save say the same.
(function () {
  "use strict";
  var config = (document.currentScript && document.currentScript.dataset) || {};
  var DELAY = 600;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function watch(field, name, language) {
    var panel = document.createElement("div");
    panel.className = "live-checks";
    panel.id = "live-checks-" + field.id;
    panel.setAttribute("aria-live", "polite");
    panel.dataset.field = name;
    panel.dataset.language = language;
    field.insertAdjacentElement("afterend", panel);
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(panel.id);
    field.setAttribute("aria-describedby", described.join(" "));

    var timer = null;
    var sent = 0;
    function check() {
      var number = ++sent;
      var body = new FormData();
      body.append("field", name);
      body.append("language", language);
      body.append("text", field.value);
      panel.setAttribute("aria-busy", "true");
      fetch(config.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (answer && number === sent) {  // an older answer arriving late is dropped
          panel.innerHTML = answer.html;  // rendered by a Django template: every value escaped
          panel.removeAttribute("aria-busy");
        }
      }).catch(function () {
        panel.removeAttribute("aria-busy");
      });
    }
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, DELAY);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!config.url) {
      return;
    }
    var languages = (config.languages || "").split(" ");
    (config.fields || "").split(" ").forEach(function (name) {
      languages.forEach(function (language) {
        var field = document.getElementById("id_" + name + "_" + language.replace("-", "_"));
        if (field && !field.disabled && !field.readOnly) {
          watch(field, name, language);
        }
      });
    });
  });
})();
