// Progressive enhancement only: the site works without it.
// Open the question a link points at (#faq-12), on load and when the address's fragment changes.
(function () {
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
    }
  }
  document.addEventListener("DOMContentLoaded", openTarget);
  window.addEventListener("hashchange", openTarget);
})();

// A printed handout shows every answer, not only the questions.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (details) { details.open = true; });
});

// "Print this page" and "Listen" (templates/education/_page_tools.html): shown only where they work.
(function () {
  "use strict";
  // What Listen reads: the page's text blocks, each once, without what only serves print, navigation or forms.
  var BLOCKS = "h1, h2, h3, p, li, dt, dd, summary";
  var SKIP = ".print-only, .leaflet, .page-tools, .kicker, .on-this-page, .appointment, .words-used, .trust, .permalink, "
    + ".feedback, nav, form, noscript";

  function texts(root) {
    var chunks = [];
    root.querySelectorAll(BLOCKS).forEach(function (block) {
      if (block.closest(SKIP) || (block.parentElement && block.parentElement.closest(BLOCKS))) {
        return;
      }
      var text = block.textContent.replace(/\s+/g, " ").trim();
      if (text) {
        chunks.push({ text: text, lang: block.closest("[lang]").getAttribute("lang") });
      }
    });
    return chunks;
  }

  function setUp(tools) {
    var printButton = tools.querySelector("[data-print]");
    if (typeof window.print === "function") {
      printButton.addEventListener("click", function () { window.print(); });
    } else {
      printButton.hidden = true;
    }
    var listen = tools.querySelector(".listen");
    var speech = window.speechSynthesis;
    if (speech && typeof window.SpeechSynthesisUtterance === "function") {
      var start = listen.querySelector("[data-listen-start]");
      var pause = listen.querySelector("[data-listen-pause]");
      var stop = listen.querySelector("[data-listen-stop]");
      var main = tools.closest("article") || document.getElementById("main");
      var paused = false;  // our own state: speechSynthesis.paused lags behind, or stays false with no voice

      var playing = function (on) {
        start.disabled = on;
        pause.disabled = stop.disabled = !on;
        paused = false;
        pause.textContent = pause.getAttribute("data-pause");
      };
      var reading = 0;  // which reading is current: a cancelled one's late events change nothing
      start.addEventListener("click", function () {
        speech.cancel();
        var chunks = texts(main);
        var current = ++reading;
        var finished = function () {
          if (current === reading) {
            playing(false);
          }
        };
        chunks.forEach(function (chunk, index) {
          // One utterance per block: browsers cut very long ones short, and the reading can follow the page.
          var utterance = new window.SpeechSynthesisUtterance(chunk.text);
          utterance.lang = chunk.lang;
          if (index === chunks.length - 1) {
            utterance.addEventListener("end", finished);
            utterance.addEventListener("error", finished);
          }
          speech.speak(utterance);
        });
        playing(chunks.length > 0);
      });
      pause.addEventListener("click", function () {
        paused = !paused;
        if (paused) {
          speech.pause();
        } else {
          speech.resume();
        }
        pause.textContent = pause.getAttribute(paused ? "data-resume" : "data-pause");
      });
      stop.addEventListener("click", function () {
        reading += 1;
        speech.cancel();
        playing(false);
      });
      window.addEventListener("pagehide", function () { speech.cancel(); });
      listen.hidden = false;
    }
    tools.hidden = printButton.hidden && listen.hidden;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".page-tools").forEach(setUp);
  });
})();
