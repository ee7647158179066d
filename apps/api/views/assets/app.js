// Progressive enhancements only: every page works without this file.
(function () {
  'use strict';

  // Move focus to the error summary so screen readers announce it first.
  var summary = document.getElementById('resume-erreurs');
  if (summary) summary.focus();

  // Print buttons (the printable summary): shown only when a script can print.
  document.querySelectorAll('[data-print]').forEach(function (button) {
    var wrapper = button.closest('.app-js-only');
    if (wrapper) wrapper.classList.remove('app-hidden');
    button.addEventListener('click', function () { window.print(); });
  });

  // Filters on a narrow screen: folded once the page is shown, results come first (CSS order).
  if (window.matchMedia && window.matchMedia('(max-width: 47.99em)').matches) {
    document.querySelectorAll('details[data-collapse-narrow]').forEach(function (details) { details.open = false; });
  }

  // Bid composition: the mandataire solidaire option only for a conjoint group; running totals of the split.
  document.querySelectorAll('[data-only-for-form]').forEach(function (block) {
    var form = block.closest('form');
    if (!form) return;
    var update = function () {
      var chosen = form.querySelector('input[name="form"]:checked');
      block.hidden = !!chosen && chosen.value !== block.getAttribute('data-only-for-form');
    };
    form.querySelectorAll('input[name="form"]').forEach(function (radio) { radio.addEventListener('change', update); });
  });
  document.querySelectorAll('[data-split-total]').forEach(function (cell) {
    var column = cell.getAttribute('data-split-total');
    var table = cell.closest('table');
    var inputs = table.querySelectorAll('input[data-split-column="' + column + '"]');
    var update = function () {
      var sum = 0;
      var readable = true;
      inputs.forEach(function (input) {
        var raw = input.value.replace(/\s|%/g, '').replace(',', '.');
        if (!raw) return;
        var value = Number(raw);
        if (isNaN(value)) readable = false; else sum += value;
      });
      var rounded = Math.round(sum * 100) / 100;
      cell.textContent = readable ? String(rounded).replace('.', ',') + ' %' + (Math.abs(rounded - 100) < 0.01 ? '' : ' (100 % attendus)') : 'à corriger';
    };
    inputs.forEach(function (input) { input.addEventListener('input', update); });
  });

  function fold(text) {
    return (text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  // Filterable checkbox lists: <input data-filter-for="listId"> hides the options whose label does not match.
  document.querySelectorAll('[data-filter-for]').forEach(function (input) {
    var list = document.getElementById(input.getAttribute('data-filter-for'));
    if (!list) return;
    var status = document.getElementById(input.getAttribute('data-filter-status'));
    var wrapper = input.closest('.app-js-only');
    if (wrapper) wrapper.classList.remove('app-hidden');
    input.addEventListener('input', function () {
      var wanted = fold(input.value.trim());
      var shown = 0;
      list.querySelectorAll('.fr-fieldset__element').forEach(function (element) {
        var box = element.querySelector('input');
        var match = !wanted || fold(element.textContent).indexOf(wanted) !== -1 || (box && box.checked);
        element.classList.toggle('app-hidden', !match);
        if (match) shown++;
      });
      list.querySelectorAll('fieldset[data-group]').forEach(function (group) {
        var visible = group.querySelectorAll('.fr-fieldset__element:not(.app-hidden)').length;
        group.classList.toggle('app-hidden', visible === 0);
      });
      if (status) status.textContent = shown + ' secteur(s) affiché(s)';
    });
  });

  // Suggestions: <input data-commune-suggest="datalistId" [data-suggest-url="/cpv.json"]> fills the datalist as
  // the user types (communes by default; anything answering [{ label }]).
  document.querySelectorAll('[data-commune-suggest]').forEach(function (input) {
    var datalist = document.getElementById(input.getAttribute('data-commune-suggest'));
    if (!datalist) return;
    var timer;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        fetch((input.getAttribute('data-suggest-url') || '/communes.json') + '?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (communes) {
            datalist.innerHTML = '';
            communes.forEach(function (c) {
              var option = document.createElement('option');
              option.value = c.label;
              datalist.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });

  // Insertion-hours estimate of a lot as it is typed: the server computes it with the formula it uses
  // on save (V17), so the figure shown is the figure stored.
  document.querySelectorAll('[data-hours-estimate]').forEach(function (output) {
    var prefix = output.getAttribute('data-hours-estimate');
    var form = output.closest('form');
    var fields = {
      estimatedAmountEur: prefix + '[estimatedAmountEur]',
      sector: prefix + '[sector]',
      cpvCodes: prefix + '[cpvCodes]',
      socialClauseType: prefix + '[socialClause][type]',
      insertionHours: prefix + '[socialClause][insertionHours]',
      labourShare: prefix + '[socialClause][labourShare]',
      insertionRate: prefix + '[socialClause][insertionRate]',
      hourlyCostEur: prefix + '[socialClause][hourlyCostEur]',
      tenderCpvCodes: 'cpvCodes'
    };
    var timer;
    function element(name) { return form.querySelector('[name="' + name + '"]'); }
    function update() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var params = new URLSearchParams();
        Object.keys(fields).forEach(function (param) {
          var el = element(fields[param]);
          if (el && el.value) params.set(param, el.value);
        });
        fetch('/appels-d-offres/estimation-heures?' + params.toString(), { headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (result) { if (result) output.textContent = result.text; })
          .catch(function () {});
      }, 250);
    }
    Object.keys(fields).forEach(function (param) {
      var el = element(fields[param]);
      if (el) { el.addEventListener('input', update); el.addEventListener('change', update); }
    });
  });

  // Matching run progress: poll the run and reload the page when it is finished. Without JavaScript the
  // page offers an "Actualiser" link (no meta refresh: WCAG 2.2.1 forbids reloads the user did not ask for).
  var poll = document.querySelector('[data-poll-url]');
  if (poll) {
    var bar = poll.querySelector('progress');
    var label = poll.querySelector('[data-poll-label]');
    var tick = function () {
      fetch(poll.getAttribute('data-poll-url'), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (run) {
          if (!run) return setTimeout(tick, 2000);
          if (bar) bar.value = Math.round((run.progress || 0) * 100);
          if (label) label.textContent = Math.round((run.progress || 0) * 100) + ' %';
          if (run.status === 'succeeded' || run.status === 'failed') window.location.reload();
          else setTimeout(tick, 1000);
        })
        .catch(function () { setTimeout(tick, 2000); });
    };
    setTimeout(tick, 1000);
  }
})();
