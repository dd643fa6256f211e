// The back office: names for the controls that Django's admin scripts draw without one (WCAG 2.2
// AA, 4.1.2), fixed wherever and whenever they appear (an inline row added later included).
// - Autocomplete (select2): its combobox is named by the selection's text alone, so an empty
//   one has no name (nor has its read-only "textbox"). Both are named by the field's label too.
// - The two-box many-to-many filter: its search icon carries aria-label on a plain span, which
//   ARIA does not allow; the same words become the icon's tooltip and the filter box's hint.
(function () {
  "use strict";

  function nameCombobox(selection) {
    var container = selection.closest(".select2-container");
    var select = container && container.previousElementSibling;
    if (!select || select.tagName !== "SELECT" || !select.id) { return; }
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (!label) { return; }
    if (!label.id) { label.id = select.id + "_label"; }
    var rendered = selection.querySelector(".select2-selection__rendered");
    var ids = [label.id];
    if (rendered && rendered.id) {
      ids.push(rendered.id);
      // Its "textbox" (the selection as text) is empty when nothing is chosen: name it too.
      if (rendered.getAttribute("role") === "textbox") {
        rendered.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      }
    }
    selection.setAttribute("aria-labelledby", ids.join(" "));
  }

  function fixFilterIcon(icon) {
    var hint = icon.getAttribute("aria-label");
    if (!hint) { return; }
    icon.removeAttribute("aria-label");
    icon.setAttribute("title", hint);
    var input = document.getElementById(icon.parentElement.getAttribute("for"));
    if (input && !input.title) {
      input.setAttribute("title", hint);
    }
  }

  function fix(root) {
    root.querySelectorAll('.select2-selection[role="combobox"]').forEach(nameCombobox);
    root.querySelectorAll(".search-label-icon[aria-label]").forEach(fixFilterIcon);
  }

  function start() {
    fix(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) { fix(node.parentElement || node); }
        });
        // select2 renames its combobox when the selection changes.
        if (change.type === "attributes" && change.target.matches('.select2-selection[role="combobox"]')) {
          var labelled = change.target.getAttribute("aria-labelledby") || "";
          if (labelled.indexOf("_label") === -1) { nameCombobox(change.target); }
        }
      });
    }).observe(document.body, {childList: true, subtree: true, attributes: true,
                              attributeFilter: ["aria-labelledby"]});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
