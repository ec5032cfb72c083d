/* 智能辅助: put the proposed lead unit into the assign form — only while nobody has chosen
   one, so a person's choice is never overwritten — and let staff take another proposal. */
(function () {
  "use strict";
  function apply() {
    document.querySelectorAll("[data-assist-lead]:not([data-applied])").forEach(function (panel) {
      panel.setAttribute("data-applied", "1");
      var select = document.getElementById("id_lead");
      if (select && !select.value && panel.dataset.assistLead) { select.value = panel.dataset.assistLead; }
    });
  }
  if (!window.rendaAssist) {
    window.rendaAssist = true;
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-assist-pick]");
      if (!button) { return; }
      var select = document.getElementById("id_lead");
      if (select) { select.value = button.dataset.assistPick; }
      document.querySelectorAll("[data-assist-pick]").forEach(function (b) {
        b.classList.toggle("is-picked", b === button);
      });
    });
    document.addEventListener("htmx:afterSettle", apply);
  }
  apply();
})();
