// Accessibility repairs for widgets the admin builds in the browser; loaded after modeltranslation's tabs.
// The widgets come from libraries (modeltranslation, jQuery UI, select2, Django's own scripts), so they are
// repaired here once they exist instead of editing the libraries.
(function () {
  "use strict";
  var switchLabel = document.currentScript && document.currentScript.dataset.switchLabel;

  function labelFor(id) {
    var label = document.querySelector('label[for="' + id + '"]');
    if (label && !label.id) {
      label.id = id + "_label";
    }
    return label;
  }

  function repair() {
    // modeltranslation's "all fields in language" select has no label.
    var languageSwitch = document.getElementById("modeltranslation-main-switch");
    if (languageSwitch && switchLabel) {
      languageSwitch.setAttribute("aria-label", switchLabel);
    }
    // jQuery UI makes each <li> the tab and keeps a focusable link inside it: a control inside a control.
    // Without its href attribute the link is plain text. jQuery UI still reads .href and .hash to tell a panel on
    // this page from one it would fetch, so those keep their old values.
    document.querySelectorAll("[role=tab] > a.ui-tabs-anchor[href]").forEach(function (anchor) {
      var href = anchor.href;
      var hash = anchor.hash;
      anchor.removeAttribute("href");
      Object.defineProperty(anchor, "href", { value: href });
      Object.defineProperty(anchor, "hash", { value: hash });
      anchor.style.cursor = "pointer";
    });
    // select2 (autocomplete fields) names its combobox after the selected value only, empty at first.
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = labelFor(select.id);
      var container = select.nextElementSibling;
      if (!label || !container) {
        return;
      }
      container.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (control) {
        var rendered = "select2-" + select.id + "-container";
        control.setAttribute("aria-labelledby", control.id === rendered ? label.id : label.id + " " + rendered);
      });
    });
    // Django's filter boxes (filter_horizontal) put aria-label on a plain <span> icon, where it is not allowed.
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // A file input the admin wraps in a fieldset is named only by the legend; tie the two together.
    document.querySelectorAll("fieldset > legend").forEach(function (legend) {
      var inputs = legend.parentElement.querySelectorAll("input[type=file]");
      if (inputs.length === 1 && !labelFor(inputs[0].id) && !inputs[0].hasAttribute("aria-labelledby")) {
        legend.id = legend.id || inputs[0].id + "_legend";
        inputs[0].setAttribute("aria-labelledby", legend.id);
      }
    });
  }

  // The tabs and select2 are built in jQuery "ready" handlers, Django's filter boxes on "load"; a zero timeout
  // after "load" runs once all of them are done.
  window.addEventListener("load", function () {
    window.setTimeout(repair);
  });
})();
