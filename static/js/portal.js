// 協働ポータル: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Move focus to a form's error summary so screen-reader and keyboard users hear it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
