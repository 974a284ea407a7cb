// Dead-letters page: records that could not be landed, with reason, position and the raw payload
// shown as text (textContent only: a payload holding HTML or script is displayed, never run).
'use strict';
(() => {
  const { api, el, replace, poll, fmt, setStatus } = Strata;
  const sourceFilter = document.getElementById('source-filter');
  const stateFilter = document.getElementById('state-filter');
  const knownSources = new Set();

  function payload(d) {
    if (d.payload_text !== null && d.payload_text !== undefined) {
      return el('pre', { className: 'payload' }, d.payload_text + (d.payload_truncated ? '\n… (' + fmt.num(d.payload_size) + ' bytes in all)' : ''));
    }
    if (d.payload_base64) return el('pre', { className: 'payload' }, 'binary, base64: ' + d.payload_base64);
    return el('span', { className: 'muted' }, 'no payload');
  }

  async function replayOne(id, button) {
    button.disabled = true;
    try {
      const r = await api('/api/dead-letters/' + id + '/replay', { method: 'POST' });
      setStatus('dead letter ' + id + ': ' + r.outcome, false);
      poller.now();
    } catch (e) {
      setStatus('replay of ' + id + ' refused: ' + e.message, true);
      button.disabled = false;
    }
  }

  function render(list) {
    const body = document.querySelector('#dead-letters tbody');
    document.getElementById('dl-empty').hidden = list.length > 0;
    replace(body, list.map(d => {
      const button = el('button', { className: 'replay' }, 'Replay');
      button.disabled = !!d.replayed_at;
      button.addEventListener('click', () => replayOne(d.id, button));
      return el('tr', { className: 'dead-letter', dataset: { id: d.id } },
        el('td', { className: 'num' }, d.id), el('td', null, d.source),
        el('td', null, 'partition ' + d.partition + ' @ ' + d.position),
        el('td', { className: 'reason' }, d.reason), el('td', null, payload(d)),
        el('td', { className: 'muted' }, fmt.time(d.created_at), d.replayed_at ? el('div', null, 'replayed ' + fmt.time(d.replayed_at)) : null),
        el('td', null, button));
    }));
  }

  async function refresh() {
    const [summary, info] = await Promise.all([api('/api/dead-letters/summary'), api('/api/info')]);
    info.sources.concat(summary.sources.map(s => s.source)).forEach(s => {
      if (!knownSources.has(s)) {
        knownSources.add(s);
        sourceFilter.appendChild(el('option', { value: s }, s));
      }
    });
    document.getElementById('summary').textContent = summary.sources.map(s => s.source + ': ' + s.pending + ' pending, ' + s.replayed + ' replayed').join(' · ');
    const q = new URLSearchParams({ state: stateFilter.value, limit: '200' });
    if (sourceFilter.value) q.set('source', sourceFilter.value);
    render((await api('/api/dead-letters?' + q)).dead_letters);
  }

  document.getElementById('replay-all').addEventListener('click', async (ev) => {
    const button = ev.currentTarget;
    button.disabled = true;
    try {
      const q = sourceFilter.value ? '?source=' + encodeURIComponent(sourceFilter.value) : '';
      const r = await api('/api/dead-letters/replay' + q, { method: 'POST' });
      setStatus(r.landed + ' dead letters landed', false);
      poller.now();
    } catch (e) {
      setStatus('replay refused: ' + e.message, true);
    } finally {
      button.disabled = false;
    }
  });
  const poller = poll(refresh, 5000);
  sourceFilter.addEventListener('change', () => poller.now());
  stateFilter.addEventListener('change', () => poller.now());
})();
