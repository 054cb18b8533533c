/* global window, document */
// The pages' only script (besides the Vega builds): draws each chart with vega-embed under a CSP without
// 'unsafe-eval' (Vega's AST interpreter instead of generated code), sorts and filters tables, and shows the custom
// dates of the window picker. Everything else is server-rendered HTML that works without it.
(function () {
  'use strict';

  function drawCharts() {
    var figures = document.querySelectorAll('figure.chart');
    figures.forEach(function (figure) {
      var specElement = figure.querySelector('script.chart-spec');
      var view = figure.querySelector('.chart-view');
      if (!specElement || !view) return;
      var spec = JSON.parse(specElement.textContent);
      window
        .vegaEmbed(view, spec, {
          ast: true,
          expr: window.vegaInterpreter.expressionInterpreter,
          renderer: 'svg',
          actions: false,
          // vega-embed and vega-tooltip would add <style> elements, which the CSP refuses; dashboard.css has the styles.
          defaultStyle: false,
          tooltip: { disableDefaultStyle: true },
        })
        .then(function () {
          figure.setAttribute('data-rendered', 'true');
        })
        .catch(function (error) {
          figure.setAttribute('data-rendered', 'error');
          console.error('chart ' + figure.getAttribute('data-chart') + ' failed: ' + error);
        });
    });
  }

  function sortValue(row, index, kind) {
    var cell = row.children[index];
    var value = cell ? cell.getAttribute('data-sort-value') : '';
    if (kind === 'number') return value === '' || value === null ? null : Number(value);
    return (value || '').toLowerCase();
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll('thead th[data-sort]');
    headers.forEach(function (header, index) {
      var button = header.querySelector('button') || header;
      button.addEventListener('click', function () {
        var kind = header.getAttribute('data-sort');
        var current = header.getAttribute('aria-sort');
        // Numbers start with the highest (the worst rates first), text with A.
        var order = current ? (current === 'ascending' ? 'descending' : 'ascending') : kind === 'number' ? 'descending' : 'ascending';
        headers.forEach(function (other) {
          other.removeAttribute('aria-sort');
        });
        header.setAttribute('aria-sort', order);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var sign = order === 'ascending' ? 1 : -1;
        rows.sort(function (a, b) {
          var x = sortValue(a, index, kind);
          var y = sortValue(b, index, kind);
          // Rows without a value go last whichever the order.
          if (x === null && y === null) return 0;
          if (x === null) return 1;
          if (y === null) return -1;
          return x < y ? -sign : x > y ? sign : 0;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
  }

  function makeFilterable(tableId) {
    var table = document.getElementById(tableId);
    if (!table) return;
    var text = document.querySelector('[data-filter-text="' + tableId + '"]');
    var status = document.querySelector('[data-filter-status="' + tableId + '"]');
    var count = document.querySelector('[data-count-for="' + tableId + '"]');
    var empty = document.querySelector('[data-empty-for="' + tableId + '"]');
    function apply() {
      var needle = text ? text.value.trim().toLowerCase() : '';
      var wanted = status ? status.value : '';
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var visible =
          (!needle || (row.getAttribute('data-search') || '').indexOf(needle) >= 0) && (!wanted || row.getAttribute('data-status') === wanted);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (count) {
        count.textContent = count
          .getAttribute('data-template')
          .replace('{shown}', String(shown))
          .replace('{total}', table.getAttribute('data-total'));
      }
      if (empty) empty.hidden = shown > 0;
    }
    if (text) text.addEventListener('input', apply);
    if (status) status.addEventListener('change', apply);
  }

  function windowPickers() {
    document.querySelectorAll('form[data-window-picker]').forEach(function (form) {
      var days = form.querySelector('[data-window-days]');
      var custom = form.querySelector('[data-custom-dates]');
      if (!days || !custom) return;
      function update() {
        var on = days.value === 'custom';
        custom.hidden = !on;
        custom.querySelectorAll('input').forEach(function (input) {
          input.disabled = !on;
        });
      }
      // A standard window applies at once; custom dates wait for the button.
      days.addEventListener('change', function () {
        update();
        if (days.value !== 'custom') form.submit();
      });
      update();
    });
  }

  // Forms that post to the JSON API (a decision in the recommendations queue, a dead letter's retry): sent with
  // fetch and the session cookie as JSON, the answer shown beside the button, then the page reloads to show the
  // stored state. The CSP allows it: this is the page's own script and the request goes to the same origin.
  function apiForms() {
    document.querySelectorAll('form[data-api-form]').forEach(function (form) {
      var status = form.querySelector('.form-status');
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var body = {};
        new window.FormData(form).forEach(function (value, key) {
          body[key] = value;
        });
        var button = form.querySelector('button[type=submit]');
        if (button) button.disabled = true;
        window
          .fetch(form.getAttribute('action'), {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify(body),
          })
          .then(function (response) {
            if (response.ok) {
              form.setAttribute('data-submitted', 'ok');
              if (status) status.textContent = form.getAttribute('data-done') || 'Done.';
              window.location.reload();
              return;
            }
            return response.json().then(function (problem) {
              form.setAttribute('data-submitted', 'error');
              if (status) status.textContent = (problem && (problem.detail || problem.title)) || 'HTTP ' + response.status;
              if (button) button.disabled = false;
            });
          })
          .catch(function (error) {
            form.setAttribute('data-submitted', 'error');
            if (status) status.textContent = String(error);
            if (button) button.disabled = false;
          });
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    drawCharts();
    apiForms();
    document.querySelectorAll('table.sortable').forEach(makeSortable);
    document.querySelectorAll('table.sortable[id]').forEach(function (table) {
      makeFilterable(table.id);
    });
    windowPickers();
  });
})();
