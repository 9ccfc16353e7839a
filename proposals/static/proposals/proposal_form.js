// 協働ポータル: the form (協働の形態) choices follow the zone (協働の領域). Without this file the
// server still refuses a form the zone does not allow, with a message beside the field.
(function () {
  "use strict";
  var select = document.getElementById("id_form");
  var zones = document.querySelectorAll("input[name='zone']");
  if (!select || !zones.length) {
    return;
  }
  function follow() {
    var checked = document.querySelector("input[name='zone']:checked");
    var zone = checked ? checked.value : null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) {
        return;
      }
      var allowed = !zone || (option.getAttribute("data-zones") || "").split(" ").indexOf(zone) !== -1;
      option.hidden = !allowed;
      option.disabled = !allowed;
      if (!allowed && option.selected) {
        select.value = "";
      }
    });
  }
  Array.prototype.forEach.call(zones, function (input) {
    input.addEventListener("change", follow);
  });
  follow();
})();
