// Small behaviours that must not live inline (the Content Security Policy forbids inline script).
document.addEventListener("submit", function (event) {
  // Destructive actions ask first: <form data-confirm="Hapus ...?">.
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
document.addEventListener("keydown", function (event) {
  // A search box inside a larger form (the evidence picker) searches on Enter; it never submits.
  if (event.key === "Enter" && event.target.closest && event.target.closest(".evidence-picker input[type=search]")) {
    event.preventDefault();
  }
});
// A form sent back with errors: its summary is brought into view and focused, wherever the form
// sits on a long page (the mayor's acknowledgement comes after the whole city report).
(function () {
  var errors = document.querySelector(".form-errors[tabindex]");
  if (errors) {
    errors.scrollIntoView({ block: "center" });
    errors.focus({ preventScroll: true });
  }
})();
// The main menu folds behind its button on a phone and stays open on a wider screen
// (budaya.css shows it there without this where the browser styles ::details-content).
(function () {
  var menu = document.querySelector(".nav-toggle");
  var wide = window.matchMedia("(min-width: 800px)");
  if (!menu) {
    return;
  }
  function follow() {
    menu.open = wide.matches;
  }
  follow();
  wide.addEventListener("change", follow);
})();
