// One language switch for the whole form. modeltranslation gives each translated field its own tabs and a
// "main switch" select; a click on one field's tab moves only that field. Here a click (or arrow key) on any
// language tab moves every field to that language through the main switch, and the choice is kept in the
// browser (localStorage) for the next page and the next save. Each option of the switch also says that
// language's state, read from the list the page renders (#language-states).
(function () {
  "use strict";
  var KEY = "clinic-admin-language";

  function mainSwitch() {
    return document.getElementById("modeltranslation-main-switch");
  }

  function choose(select, code) {
    var option = Array.prototype.find.call(select.options, function (item) {
      return item.dataset.language === code;
    });
    if (option && select.value !== option.value) {
      select.value = option.value;
    }
    // modeltranslation moves every field's tabs on "change"; sent even when only one field's tab moved.
    select.dispatchEvent(new Event("change"));
  }

  function remember(select) {
    var option = select.options[select.selectedIndex];
    if (option) {
      try {
        window.localStorage.setItem(KEY, option.dataset.language);
      } catch (error) {
        // Storage may be off (private mode): the switch still works for this page.
      }
    }
  }

  function setUp() {
    var select = mainSwitch();
    if (!select) {
      return;
    }
    Array.prototype.forEach.call(select.options, function (option) {
      var code = option.textContent.trim().toLowerCase().replace("-", "_");
      option.dataset.language = code;
      var state = document.querySelector('#language-states [data-language="' + code + '"]');
      if (state) {
        option.textContent = state.textContent.replace(/\s+/g, " ").trim();
      }
    });
    var stored = null;
    try {
      stored = window.localStorage.getItem(KEY);
    } catch (error) {
      stored = null;
    }
    if (stored) {
      choose(select, stored);
    }
    select.addEventListener("change", function () {
      remember(select);
    });
    // After jQuery UI has moved the clicked tab (and modeltranslation the switch's value), move all the others.
    function follow(event) {
      var tab = event.target.closest && event.target.closest(".ui-tabs-nav [role=tab]");
      if (!tab) {
        return;
      }
      window.setTimeout(function () {
        var match = /_([a-z]{2}(?:_[a-z]+)?)$/.exec(tab.getAttribute("aria-controls") || "");
        if (match && tab.getAttribute("aria-selected") === "true") {
          choose(select, match[1]);
        }
      });
    }
    document.addEventListener("click", follow);
    document.addEventListener("keyup", follow);
  }

  // modeltranslation builds its tabs in a jQuery "ready" handler; a zero timeout after "load" runs after it.
  window.addEventListener("load", function () {
    window.setTimeout(setUp);
  });
})();
