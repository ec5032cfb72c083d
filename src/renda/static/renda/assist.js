/* 智能辅助: put the proposed unit into the form's unit list (the panel's data-assist-select,
   by default the suggestion's 主办单位 list) — only while nobody has chosen one, so a
   person's choice is never overwritten — and let staff take another proposal. */
(function () {
  "use strict";
  function apply() {
    document.querySelectorAll("[data-assist-lead]:not([data-applied])").forEach(function (panel) {
      panel.setAttribute("data-applied", "1");
      var select = document.getElementById(panel.dataset.assistSelect || "id_lead");
      if (select && !select.value && panel.dataset.assistLead) { select.value = panel.dataset.assistLead; }
    });
  }
  if (!window.rendaAssist) {
    window.rendaAssist = true;
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-assist-pick]");
      if (!button) { return; }
      var panel = button.closest("[data-assist-select]");
      var select = document.getElementById(panel ? panel.dataset.assistSelect : "id_lead");
      if (select) { select.value = button.dataset.assistPick; }
      document.querySelectorAll("[data-assist-pick]").forEach(function (b) {
        b.classList.toggle("is-picked", b === button);
      });
    });
    document.addEventListener("htmx:afterSettle", apply);
  }
  apply();
})();
