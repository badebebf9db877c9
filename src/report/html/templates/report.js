(function () {
  var list = document.getElementById("cards");
  var stance = document.getElementById("filter-stance");
  var minimum = document.getElementById("filter-confidence");
  var shown = document.getElementById("filter-value");
  var order = document.getElementById("sort");
  if (!list || !stance || !minimum || !order) return;
  var cards = Array.prototype.slice.call(list.querySelectorAll("article.card"));
  function update() {
    var want = stance.value, min = parseFloat(minimum.value), n = 0;
    shown.textContent = min.toFixed(2);
    var sorted = cards.slice();
    if (order.value !== "input") {
      sorted.sort(function (a, b) {
        if (order.value === "id") return a.dataset.id < b.dataset.id ? -1 : a.dataset.id > b.dataset.id ? 1 : 0;
        var d = parseFloat(a.dataset.confidence) - parseFloat(b.dataset.confidence);
        return order.value === "confidence-asc" ? d : -d;
      });
    }
    sorted.forEach(function (card) {
      var visible = (want === "" || card.dataset.stance === want) && parseFloat(card.dataset.confidence) >= min;
      card.classList.toggle("hidden", !visible);
      if (visible) n += 1;
      list.appendChild(card);
    });
    document.getElementById("filter-count").textContent = n + " of " + cards.length + " shown";
  }
  [stance, minimum, order].forEach(function (el) { el.addEventListener("input", update); });
  update();
})();
