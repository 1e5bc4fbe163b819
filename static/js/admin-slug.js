// Slugs typed from titles in any language: an elided word ("l'acne", "dell'occhio", "un'infermiera") is two words,
// so its apostrophe becomes a hyphen ("l-acne") instead of gluing them ("lacne"). An English contraction or
// possessive ("don't", "it's", "patient's") keeps one word, as before ("dont"). Wraps Django's URLify, which
// prepopulate.js looks up each time a title changes. The admin's media order may load this file before urlify.js,
// so the wrapper goes in once the document's scripts have all run.
(function () {
  "use strict";
  var letter = "a-z\\u00C0-\\u024F";
  var contraction = new RegExp("['\\u2019\\u02BC](s|t|d|m|re|ve|ll)(?![" + letter + "])", "gi");
  var elision = new RegExp("([" + letter + "])['\\u2019\\u02BC](?=[" + letter + "])", "gi");

  function install() {
    var urlify = window.URLify;
    if (typeof urlify !== "function" || urlify.handlesElisions) {
      return;
    }
    window.URLify = function (text, maxLength, allowUnicode) {
      var words = String(text).replace(contraction, "$1").replace(elision, "$1 ");
      return urlify(words, maxLength, allowUnicode);
    };
    window.URLify.handlesElisions = true;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", install);
  } else {
    install();
  }
})();
