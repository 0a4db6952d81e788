// The profile's city field offers the cities of the chosen region first (the list works without
// this script too: then it offers every city, and free text is always accepted).
(function () {
  "use strict";
  var list = document.getElementById("profile-cities");
  var region = document.querySelector("select[name=region]");
  if (!list || !region) { return; }
  var all = Array.prototype.slice.call(list.options).map(function (option) { return option.cloneNode(true); });
  function update() {
    var chosen = region.value;
    var mine = all.filter(function (option) { return option.dataset.region === chosen; });
    list.replaceChildren.apply(list, (mine.length ? mine : all).map(function (option) { return option.cloneNode(true); }));
  }
  region.addEventListener("change", update);
  update();
})();
