// Shared by every console page: API calls, DOM building (text only, never innerHTML), polling,
// formatting. Loaded before the page's own script.
'use strict';

const Strata = (() => {
  const statusBar = () => document.getElementById('status');

  /** GET or POST an API path; throws Error(message) on a non-2xx answer. */
  async function api(path, options = {}) {
    const init = { credentials: 'same-origin', headers: { 'Accept': 'application/json' } };
    if (options.method && options.method !== 'GET') {
      init.method = options.method;
      // required by the server on every state-changing request (see docs/console.md)
      init.headers['X-Strata-Request'] = '1';
      if (options.body !== undefined) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(options.body);
      }
    }
    const res = await fetch(path, init);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      throw new Error((data && data.error) ? data.error : ('HTTP ' + res.status));
    }
    return data;
  }

  /** el('td', {className: 'num'}, 'text', childNode, ...): children are text or nodes; text is never parsed as HTML. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null) continue;
        if (k === 'className') node.className = v;
        else if (k === 'onclick') node.addEventListener('click', v);
        else if (k === 'dataset') Object.assign(node.dataset, v);
        else node.setAttribute(k, String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function replace(container, ...children) {
    container.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined));
  }

  function setStatus(text, isError) {
    const bar = statusBar();
    if (!bar) return;
    bar.textContent = text;
    bar.classList.toggle('error', !!isError);
  }

  /**
   * Runs task now and again every intervalMs after it finishes (never two at once), pausing while
   * the tab is hidden. One timer per page: nothing accumulates however long the page stays open.
   */
  function poll(task, intervalMs) {
    let timer = null;
    let running = false;
    async function tick() {
      timer = null;
      if (document.hidden || running) return;
      running = true;
      try {
        await task();
        setStatus('updated ' + new Date().toLocaleTimeString(), false);
      } catch (e) {
        setStatus('update failed: ' + e.message, true);
      } finally {
        running = false;
        if (!document.hidden) timer = setTimeout(tick, intervalMs);
      }
    }
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && timer === null && !running) tick();
    });
    tick();
    return { now: () => { if (timer) clearTimeout(timer); tick(); } };
  }

  const fmt = {
    num(v) { return v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US'); },
    time(iso) { return iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–'; },
    shortTime(iso) { return iso ? new Date(iso).toISOString().substring(5, 16).replace('T', ' ') : '–'; },
    /**
     * Labels for a row of interval starts at the resolution of their cadence (UTC): seconds for
     * a 5-second schedule, minutes for hourly, the date for daily; the date is left out when all
     * fall on one day.
     */
    intervalLabels(isoStarts) {
      const ms = isoStarts.map(i => Date.parse(i));
      const step = ms.length > 1 ? Math.min(...ms.slice(1).map((m, k) => m - ms[k]).filter(d => d > 0)) : 86400000;
      const iso = ms.map(m => new Date(m).toISOString());
      const sameDay = new Set(iso.map(s => s.substring(0, 10))).size === 1;
      const sameYear = new Set(iso.map(s => s.substring(0, 4))).size === 1;
      return iso.map(s => {
        if (step >= 86400000) return sameYear ? s.substring(5, 10) : s.substring(0, 10);
        const time = step < 60000 || s.substring(17, 19) !== '00' ? s.substring(11, 19) : s.substring(11, 16);
        return sameDay ? time : s.substring(5, 10) + ' ' + time;
      });
    },
    seconds(s) {
      if (s === null || s === undefined) return '–';
      if (s < 60) return s.toFixed(1) + ' s';
      if (s < 3600) return (s / 60).toFixed(1) + ' min';
      return (s / 3600).toFixed(1) + ' h';
    },
  };

  const stateColors = {
    success: '#2e9e5b', failed: '#d64541', running: '#3d7be0', queued: '#8fa3bf',
    up_for_retry: '#e8912d', skipped: '#c4c9d1',
  };

  function badge(state) {
    return el('span', { className: 'badge state-' + (state || 'none') }, state || 'no runs');
  }

  /** An ECharts instance that follows its container's size; created once per container and reused. */
  function chart(container) {
    const c = echarts.init(container, null, { renderer: 'canvas' });
    new ResizeObserver(() => c.resize()).observe(container);
    return c;
  }

  /** The pages of the console, in the order of the header's links. */
  const PAGES = [
    ['graph', '/', 'Graph'],
    ['runs', '/runs.html', 'Runs'],
    ['streams', '/streams.html', 'Streams'],
    ['dead-letters', '/dead-letters.html', 'Dead letters'],
    ['dashboards', '/dashboards.html', 'Dashboards'],
  ];

  /** Draws the header every page shares (kept here, once), marks the current page's link, shows the pipeline name. */
  async function header() {
    const page = document.body.dataset.page;
    const nav = el('nav', {}, ...PAGES.map(([id, href, label]) =>
      el('a', { href, className: id === page ? 'active' : '', dataset: { page: id } }, label)));
    replace(document.querySelector('header'),
      el('span', { className: 'brand' }, 'STRATA'), el('span', { className: 'pipeline', id: 'pipeline' }), nav);
    try {
      const info = await api('/api/info');
      document.getElementById('pipeline').textContent = info.pipeline;
      document.title = document.title + ' · ' + info.pipeline;
    } catch (e) {
      setStatus('cannot reach the console API: ' + e.message, true);
    }
  }

  document.addEventListener('DOMContentLoaded', header);
  return { api, el, replace, setStatus, poll, fmt, stateColors, badge, chart };
})();
