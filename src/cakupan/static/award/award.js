/* Paritrana Award: a form with data-confirm asks before it is sent (closing a stage,
   submitting a score sheet, withdrawing a candidate). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const question = form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
