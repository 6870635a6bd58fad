/* Buttons with data-confirm ask before submitting their form (CSP allows no inline onclick). */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
});
