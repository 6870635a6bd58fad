/* The indicator form: only the 二级指标 of the chosen 一级指标 can be picked (the allowed pairs are in the
   page's #level2-of-level1 JSON). */
(function () {
  function setup() {
    var data = document.getElementById("level2-of-level1");
    var l1 = document.getElementById("id_level1"), l2 = document.getElementById("id_level2");
    if (!data || !l1 || !l2) return;
    var allowed = JSON.parse(data.textContent);
    function filter() {
      var ok = allowed[l1.value] || [];
      Array.prototype.forEach.call(l2.options, function (o) { o.hidden = ok.indexOf(o.value) < 0; });
      if (ok.indexOf(l2.value) < 0) l2.value = ok[0];
    }
    l1.addEventListener("change", filter); filter();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
