/* Accessible names and roles for Dash 4's controls, which axe-core finds at fault as they render:
   - a dropdown's keyboard focus target is an <input aria-hidden="true"> (focusable yet hidden from screen
     readers): it is given the dropdown's label and value as its name instead;
   - a dropdown's clear control is a link with no destination: it becomes a graphic;
   - checklists and radio items are role="listbox" with role="option" labels wrapping real inputs (an
     interactive control inside another, and a listbox with no name): they become a named group of plain
     labelled checkboxes or radio buttons, which is what they are.
   Applied to every control as it appears or changes (a MutationObserver, at most once a frame). */
(function () {
  'use strict';

  function nameOf(el) {
    var fieldset = el.closest('fieldset');
    var legend = fieldset && fieldset.querySelector('legend');
    if (legend) { return legend.textContent.trim(); }
    var named = el.parentElement && el.parentElement.closest('[aria-label]');
    return named ? named.getAttribute('aria-label') : '';
  }

  function fix(root) {
    root.querySelectorAll('.dash-dropdown-focus-target[aria-hidden]').forEach(function (input) {
      var button = input.parentElement && input.parentElement.querySelector('button.dash-dropdown[id]');
      input.removeAttribute('aria-hidden');
      if (button) {
        var id = button.id;
        var label = document.getElementById(id + '-label');
        input.setAttribute('aria-labelledby', (label ? label.id + ' ' : '') + id + '-value');
      }
    });
    // a dropdown's clear control is an <a> with no href inside the dropdown's <button>: a link to nowhere that
    // no keyboard can reach (Backspace clears); for assistive technology and crawlers it is a graphic
    root.querySelectorAll('a.dash-dropdown-clear:not([role])').forEach(function (a) {
      a.setAttribute('role', 'presentation');
      a.setAttribute('aria-hidden', 'true');
    });
    // (only checklists and radio items: a dropdown's open menu is a real listbox of options)
    var lists = '.dash-checklist, .dash-radioitems';
    root.querySelectorAll('.dash-checklist[role="listbox"], .dash-radioitems[role="listbox"]').forEach(function (list) {
      var radio = list.classList.contains('dash-radioitems');
      list.setAttribute('role', radio ? 'radiogroup' : 'group');
      var name = nameOf(list);
      if (name) { list.setAttribute('aria-label', name); }
    });
    root.querySelectorAll(lists).forEach(function (list) {
      list.querySelectorAll('.dash-options-list-option[role], .dash-options-list-option[aria-selected]').forEach(
        function (label) {
          label.removeAttribute('role');
          label.removeAttribute('aria-selected');
        });
      list.querySelectorAll('.dash-options-list-option-checkbox[readonly]').forEach(function (input) {
        input.removeAttribute('readonly');
      });
    });
  }

  var scheduled = false;

  function start() {
    fix(document);
    // at most once a frame, whatever the page redraws (plotly changes thousands of nodes at a time)
    new MutationObserver(function () {
      if (scheduled) { return; }
      scheduled = true;
      window.requestAnimationFrame(function () { scheduled = false; fix(document); });
    }).observe(document.body, {subtree: true, childList: true, attributes: true,
                               attributeFilter: ['aria-hidden', 'role', 'aria-selected', 'readonly']});
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
