/* Export links: fetch the file with a busy state, save it under the server's name, and say clearly when it fails;
   when the image renderer is busy (503 with Retry-After) say so and retry a few times.
   Without this script the links still work as plain downloads. */
(function () {
  'use strict';

  function savedName(response) {
    var match = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
    return match ? match[1] : 'usascp-export';
  }

  // a busy answer (503 with Retry-After) is retried this many times, waiting at most MAX_WAIT seconds each time
  var MAX_RETRIES = 3;
  var MAX_WAIT = 30;

  function say(status, kind, text) {
    if (!status) { return; }
    status.className = 'export-status ' + kind;
    status.textContent = text;
  }

  document.addEventListener('click', function (event) {
    var link = event.target && event.target.closest ? event.target.closest('a.export-link') : null;
    if (!link || event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || !window.fetch) {
      return;
    }
    event.preventDefault();
    if (link.getAttribute('aria-busy') === 'true') { return; }
    var menu = link.closest('.export-menu');
    var status = menu ? menu.querySelector('.export-status') : null;
    var what = link.getAttribute('data-label') || 'the file';
    link.setAttribute('aria-busy', 'true');
    if (menu) { menu.setAttribute('aria-busy', 'true'); }
    say(status, 'busy', 'Preparing ' + what + '…');
    // a pack takes seconds to build: count them beside the message, hidden from screen readers (the live
    // region announces "Preparing …" once, then the result, not every tick)
    var started = Date.now();
    var ticker = status ? setInterval(function () {
      if (!status.classList.contains('busy')) { return; }
      var elapsed = status.querySelector('.export-elapsed');
      if (!elapsed) {
        elapsed = document.createElement('span');
        elapsed.className = 'export-elapsed';
        elapsed.setAttribute('aria-hidden', 'true');
        status.appendChild(elapsed);
      }
      elapsed.textContent = ' ' + Math.round((Date.now() - started) / 1000) + ' s';
    }, 1000) : null;
    function attempt(retries) {
      return fetch(link.href, {credentials: 'same-origin'}).then(function (response) {
        var wait = parseInt(response.headers.get('Retry-After') || '', 10);
        if (response.status === 503 && wait >= 0 && retries < MAX_RETRIES) {
          // the image renderer is busy: wait as long as the server asks (within bounds) and try again
          wait = Math.min(Math.max(wait, 1), MAX_WAIT);
          say(status, 'busy', 'Preparing ' + what + ': the server is busy, retrying in ' + wait + ' s…');
          return response.text().then(function () {
            return new Promise(function (resolve) { setTimeout(resolve, wait * 1000); });
          }).then(function () { return attempt(retries + 1); });
        }
        return response;
      });
    }
    attempt(0).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) {
          throw new Error((text || '').trim() || ('the server answered ' + response.status));
        });
      }
      return response.blob().then(function (blob) {
        var name = savedName(response);
        var url = URL.createObjectURL(blob);
        var a = document.createElement('a');
        a.href = url;
        a.download = name;
        a.hidden = true;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        say(status, 'done', 'Downloaded ' + name + '.');
      });
    }).catch(function (error) {
      say(status, 'error', 'Export failed: ' + error.message);
    }).then(function () {
      if (ticker) { clearInterval(ticker); }
      link.removeAttribute('aria-busy');
      if (menu) { menu.removeAttribute('aria-busy'); }
    });
  });
})();

/* A graph's download name (its config) follows the filters. dcc.Graph re-plots only for a new figure, so the
   new name is handed to the live plot here: Plotly reads toImageButtonOptions when the camera button is pressed. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.usascp = Object.assign({}, window.dash_clientside.usascp, {
  applyDownloadNames: function () {
    var context = window.dash_clientside.callback_context || {};
    (context.inputs_list || []).forEach(function (input) {
      var options = input && input.value && input.value.toImageButtonOptions;
      var plot = options && document.querySelector('#' + CSS.escape(input.id) + ' .js-plotly-plot');
      if (plot && plot._context) {
        plot._context.toImageButtonOptions = Object.assign({}, plot._context.toImageButtonOptions, options);
      }
    });
  }
});
