// Dashboards page: the charts declared under `dashboards:` in strata.yaml, and a preview of any
// mart. Charts are created once and updated in place on every poll.
'use strict';
(() => {
  const { api, el, replace, poll, chart } = Strata;
  const cards = new Map();
  const martSelect = document.getElementById('mart-select');

  function card(d) {
    if (cards.has(d.name)) return cards.get(d.name);
    const body = el('div', { className: d.chart === 'table' ? 'table-wrap' : 'chart' });
    const message = el('div', { className: 'empty' });
    const box = el('div', { className: 'panel grow dashboard', dataset: { dashboard: d.name } }, el('h2', null, d.title), message, body);
    document.getElementById('dashboards').appendChild(box);
    const entry = { box, body, message, chart: d.chart === 'table' ? null : chart(body) };
    cards.set(d.name, entry);
    return entry;
  }

  function table(columns, rows) {
    return el('table', null, el('thead', null, el('tr', null, columns.map(c => el('th', { className: c.numeric ? 'num' : null }, c.name)))),
      el('tbody', null, rows.map(r => el('tr', null, r.map((v, i) => el('td', { className: columns[i].numeric ? 'num' : null }, v === null ? '–' : v))))));
  }

  /**
   * A bar or line chart. Dates and times go on a time axis (spaced by time, not by row), other x
   * values on a category axis that labels every bar; counts get whole-number ticks; the grid makes
   * room for the longest y label.
   */
  function plot(entry, d, data) {
    const x = d.x;
    const ys = d.y.length ? d.y : ['count'];
    const idx = name => data.columns.findIndex(c => c.name === name);
    const xi = idx(x);
    const xType = (data.columns[xi] && data.columns[xi].type) || '';
    const timeAxis = /date|time/i.test(xType);
    const xValue = v => timeAxis ? (v === null ? null : String(v)) : String(v);
    const categories = [...new Set(data.rows.map(r => xValue(r[xi])))];
    const point = (c, v) => timeAxis ? [c, v] : v;
    let series;
    if (d.series) {
      const si = idx(d.series);
      const yi = idx(ys[0]);
      const groups = new Map();
      data.rows.forEach(r => {
        const key = String(r[si]);
        if (!groups.has(key)) groups.set(key, new Map());
        groups.get(key).set(xValue(r[xi]), Number(r[yi]));
      });
      series = [...groups.entries()].map(([name, values]) => ({
        name, type: d.chart, showSymbol: categories.length <= 40,
        data: categories.filter(c => !timeAxis || values.has(c)).map(c => point(c, values.get(c) ?? null)),
      }));
    } else {
      series = ys.map(y => {
        const yi = idx(y);
        const values = new Map(data.rows.map(r => [xValue(r[xi]), Number(r[yi])]));
        return { name: y, type: d.chart, showSymbol: categories.length <= 40, data: categories.map(c => point(c, values.get(c) ?? null)) };
      });
    }
    const numbers = series.flatMap(s => s.data.map(p => Array.isArray(p) ? p[1] : p)).filter(v => v !== null && !Number.isNaN(v));
    const whole = numbers.length > 0 && numbers.every(v => Number.isInteger(v));
    const longest = Math.max(0, ...categories.map(c => c.length));
    const rotate = !timeAxis && (categories.length > 12 || longest * categories.length > 90) ? 30 : 0;
    entry.chart.setOption({
      animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0, type: 'scroll' },
      grid: { left: 16, right: 24, top: 36, bottom: 12, containLabel: true },
      xAxis: timeAxis
        ? { type: 'time', axisLabel: { hideOverlap: true } }
        : { type: 'category', data: categories, axisLabel: { interval: 0, rotate, hideOverlap: false } },
      yAxis: { type: 'value', minInterval: whole ? 1 : null, axisLabel: { formatter: v => Strata.fmt.num(v) } },
      series,
    }, { replaceMerge: ['series', 'xAxis'] });
    entry.box.dataset.axis = timeAxis ? 'time' : 'category';
  }

  async function refreshDashboards() {
    const list = (await api('/api/dashboards')).dashboards;
    document.getElementById('no-dashboards').hidden = list.length > 0;
    for (const d of list) {
      const entry = card(d);
      const data = await api('/api/dashboards/' + encodeURIComponent(d.name) + '/data');
      entry.message.textContent = data.ready ? '' : data.message;
      entry.box.dataset.ready = data.ready ? 'true' : 'false';
      if (!data.ready) continue;
      if (d.chart === 'table') replace(entry.body, table(data.columns, data.rows));
      else plot(entry, d, data);
    }
  }

  async function refreshMarts() {
    const marts = (await api('/api/marts')).marts;
    const chosen = martSelect.value;
    if ([...martSelect.options].map(o => o.value).join() !== marts.join()) {
      replace(martSelect, marts.map(m => el('option', { value: m }, m)));
      if (marts.includes(chosen)) martSelect.value = chosen;
    }
    document.getElementById('mart-empty').hidden = marts.length > 0;
    if (!martSelect.value) { replace(document.getElementById('mart-preview')); return; }
    const p = await api('/api/marts/' + encodeURIComponent(martSelect.value) + '/preview');
    const [head, body] = [...table(p.columns, p.rows).childNodes];
    replace(document.getElementById('mart-preview'), head, body);
  }

  const poller = poll(async () => { await refreshDashboards(); await refreshMarts(); }, 5000);
  martSelect.addEventListener('change', () => poller.now());
})();
