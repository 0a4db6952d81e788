// The region list offers only the regions of the chosen country. Without this script it shows
// both countries' regions in two groups, and the server refuses a region of the other country.
(function () {
  "use strict";
  var select = document.querySelector("select[name=region]");
  var radios = document.querySelectorAll("input[name=country]");
  if (!select || !radios.length) { return; }
  var groups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));
  function chosenCountry() {
    var checked = document.querySelector("input[name=country]:checked");
    return checked ? checked.value : "";
  }
  function update() {
    var country = chosenCountry();
    var value = select.value;
    groups.forEach(function (group) { group.remove(); });
    groups.forEach(function (group) {
      var first = group.querySelector("option");
      if (!country || (first && first.dataset.country === country)) { select.appendChild(group); }
    });
    var kept = Array.prototype.some.call(select.options, function (option) {
      return option.value === value;
    });
    select.value = kept ? value : "";
    if (select.value !== value) { select.dispatchEvent(new Event("change")); }
  }
  Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
  update();
})();
