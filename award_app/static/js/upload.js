// A file larger than the dossier can take is refused before it is sent: the message (its size and the limit)
// appears beside the field and the choice is cleared, so that nothing typed on the page is lost to a long upload
// that the server would refuse. Without JavaScript the server refuses it and gives the form back, as typed.
(function () {
  "use strict";
  var MB = 1024 * 1024;

  function attach(input) {
    var error = document.getElementById(input.id + "-error");
    var most = parseInt(input.dataset.maxBytes, 10);
    if (!error || isNaN(most)) { return; }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file || file.size <= most) {
        error.hidden = true;
        error.textContent = "";
        input.removeAttribute("aria-invalid");
        return;
      }
      var size = new Intl.NumberFormat(document.documentElement.lang || "vi",
                                       {maximumFractionDigits: 1}).format(file.size / MB);
      var message = document.createElement("p");
      message.textContent = input.dataset.msgTooLarge.replace("{size}", size);
      error.replaceChildren(message);
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.value = "";
      input.focus();
    });
  }

  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(attach);
})();
