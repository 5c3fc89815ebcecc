// Dossier's only script, and an optional one: every page works without it.
// It submits the search form as soon as a facet checkbox or the sort order
// changes, saving a click on "Apply filters". The date fields still wait for
// the button (or Enter), since a half-typed date is not a filter.
"use strict";
document.addEventListener("change", function (event) {
  var el = event.target;
  var form = el.form;
  if (!form || !form.hasAttribute("data-autosubmit")) return;
  if (el.type === "checkbox" || el.tagName === "SELECT") {
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
});
