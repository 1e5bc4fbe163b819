// Progressive enhancement of a pack's timeline: the patient types their appointment date and each step shows its
// own date, in the language of the timeline. The date never leaves this page: nothing is sent, nothing is stored
// (no cookie, no localStorage or sessionStorage), and a reload starts empty.
(function () {
  "use strict";
  var DAY = 24 * 60 * 60 * 1000;

  function parse(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    return parts ? Date.UTC(+parts[1], +parts[2] - 1, +parts[3]) : null;
  }

  function iso(time) {
    return new Date(time).toISOString().slice(0, 10);
  }

  function setUp(timeline) {
    var box = timeline.querySelector(".appointment");
    var input = box && box.querySelector("input[type=date]");
    if (!input || typeof Intl === "undefined" || !Intl.DateTimeFormat) {
      return;
    }
    var language = timeline.closest("[lang]").getAttribute("lang");
    // UTC throughout: a day is a calendar day whatever the device's time zone or a change of summer time.
    var format = new Intl.DateTimeFormat(language, {
      weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC"
    });
    var summary = box.querySelector(".appointment-summary");
    var steps = timeline.querySelectorAll("[data-offset]");

    function show() {
      var appointment = parse(input.value);
      steps.forEach(function (step) {
        var time = step.querySelector(".step-date");
        if (appointment === null) {
          time.textContent = "";
          time.removeAttribute("datetime");
          return;
        }
        var day = appointment + parseInt(step.getAttribute("data-offset"), 10) * DAY;
        time.setAttribute("datetime", iso(day));
        time.textContent = format.format(new Date(day));
      });
      summary.textContent = appointment === null
        ? "" : box.getAttribute("data-summary").replace("{date}", format.format(new Date(appointment)));
    }

    input.addEventListener("input", show);
    input.addEventListener("change", show);
    box.hidden = false;
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".timeline").forEach(setUp);
  });
})();
