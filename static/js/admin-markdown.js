// A small writing toolbar above each Markdown field of the content forms (textarea[data-markdown]): heading, bold,
// bulleted and numbered list, link. Each button has a name and a keyboard shortcut (aria-keyshortcuts); the same
// shortcuts work inside the field. The button names come translated from the page (data-* on this script).
(function () {
  "use strict";
  var labels = (document.currentScript && document.currentScript.dataset) || {};

  function lines(field, prefix) {
    var value = field.value;
    var start = value.lastIndexOf("\n", field.selectionStart - 1) + 1;
    var end = value.indexOf("\n", field.selectionEnd);
    end = end === -1 ? value.length : end;
    var number = 0;
    var block = value.slice(start, end).split("\n").map(function (line) {
      number += 1;
      return (typeof prefix === "function" ? prefix(number) : prefix) + line;
    }).join("\n");
    field.setRangeText(block, start, end, "select");
  }

  function wrap(field, before, after, placeholder) {
    var selected = field.value.slice(field.selectionStart, field.selectionEnd) || placeholder;
    var start = field.selectionStart;
    field.setRangeText(before + selected + after, field.selectionStart, field.selectionEnd, "end");
    field.setSelectionRange(start + before.length, start + before.length + selected.length);
  }

  var ACTIONS = [
    { name: "heading", text: "H", keys: "Control+Alt+2", run: function (f) { lines(f, "## "); } },
    { name: "bold", text: "B", keys: "Control+B", run: function (f) { wrap(f, "**", "**", labels.boldText || "…"); } },
    { name: "bullets", text: "•", keys: "Control+Shift+8", run: function (f) { lines(f, "- "); } },
    {
      name: "numbers", text: "1.", keys: "Control+Shift+7",
      run: function (f) { lines(f, function (n) { return n + ". "; }); },
    },
    { name: "link", text: "🔗", keys: "Control+K", run: function (f) { wrap(f, "[", "](https://)", labels.linkText || "…"); } },
  ];

  function matches(event, keys) {
    var parts = keys.split("+");
    var key = parts[parts.length - 1];
    var code = /^[0-9]$/.test(key) ? "Digit" + key : "Key" + key;
    return (event.ctrlKey || event.metaKey) && event.altKey === parts.indexOf("Alt") > -1 &&
      event.shiftKey === parts.indexOf("Shift") > -1 && event.code === code;
  }

  function run(field, action) {
    action.run(field);
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function addToolbar(field) {
    var bar = document.createElement("div");
    bar.className = "markdown-toolbar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", labels.toolbar || "Formatting");
    ACTIONS.forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "markdown-" + action.name;
      button.textContent = action.text;
      button.setAttribute("aria-label", labels[action.name] || action.name);
      button.title = (labels[action.name] || action.name) + " (" + action.keys.replace("Control", "Ctrl") + ")";
      button.setAttribute("aria-keyshortcuts", action.keys);
      button.setAttribute("aria-controls", field.id);
      button.addEventListener("click", function () { run(field, action); });
      bar.appendChild(button);
    });
    field.parentNode.insertBefore(bar, field);
    field.addEventListener("keydown", function (event) {
      ACTIONS.forEach(function (action) {
        if (matches(event, action.keys)) {
          event.preventDefault();
          run(field, action);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-markdown]").forEach(addToolbar);
  });
})();
