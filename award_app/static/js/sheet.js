// The score sheet's total, computed as the juror types (the server computes it again on saving).
(function () {
  var output = document.getElementById("live-total");
  if (!output) { return; }
  var inputs = document.querySelectorAll("input[name$='-points']");
  function update() {
    var total = 0;
    inputs.forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) { total += value; }
    });
    output.textContent = String(total);
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
