// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]") && el.form) {
    if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
  }
});
// Ask before leaving a form with unsaved input.
document.addEventListener("input", (event) => {
  const form = event.target.closest("form[data-keep]");
  if (form) form.dataset.dirty = "1";
});
document.addEventListener("submit", (event) => {
  if (event.target.dataset) delete event.target.dataset.dirty;
});
window.addEventListener("beforeunload", (event) => {
  if (document.querySelector("form[data-keep][data-dirty]")) {
    event.preventDefault();
    event.returnValue = "";
  }
});
