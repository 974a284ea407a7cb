// Streams page: per source and partition, position, log-end offset and lag; a live chart of
// messages/s produced to each topic and landed from it.
'use strict';
(() => {
  const { api, el, replace, poll, fmt, chart } = Strata;
  const rateChart = chart(document.getElementById('rate-chart'));

  function lagCell(lag) {
    if (lag === null || lag === undefined) return el('td', { className: 'num' }, '–');
    return el('td', { className: 'num ' + (lag === 0 ? 'lag-ok' : 'lag-bad') }, fmt.num(lag));
  }

  function render(snapshot) {
    const box = document.getElementById('sources');
    if (snapshot.sources.length === 0) {
      replace(box, el('div', { className: 'panel empty' }, 'No sources.'));
    } else {
      replace(box, snapshot.sources.map(s => el('div', { className: 'panel source', dataset: { source: s.source } },
        el('h2', null, s.source + (s.topic ? ' ← ' + s.topic : '') + ' (' + s.kind + ')'),
        el('div', { className: 'muted' }, 'lag ' + fmt.num(s.lag) + ' messages, ' + fmt.seconds(s.lag_seconds)),
        s.error ? el('div', { className: 'lag-bad' }, s.error) : null,
        el('table', null, el('thead', null, el('tr', null, el('th', null, 'partition'), el('th', { className: 'num' }, 'position'),
            el('th', { className: 'num' }, 'log end'), el('th', { className: 'num' }, 'lag'), el('th', { className: 'num' }, 'lag (time)'),
            el('th', null, 'position updated'))),
          el('tbody', null, s.partitions.map(p => el('tr', null, el('td', null, p.partition), el('td', { className: 'num' }, fmt.num(p.position)),
            el('td', { className: 'num' }, fmt.num(p.log_end)), lagCell(p.lag), el('td', { className: 'num' }, fmt.seconds(p.lag_seconds)),
            el('td', { className: 'muted' }, fmt.time(p.position_updated_at)))))))));
    }
    const series = [];
    snapshot.sources.filter(s => s.kind === 'kafka').forEach(s => {
      series.push({ name: s.source + ' produced', type: 'line', showSymbol: false, data: s.rates.map(r => [r.time, r.produced_per_second]) });
      series.push({ name: s.source + ' landed', type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: s.rates.map(r => [r.time, r.landed_per_second]) });
    });
    rateChart.setOption({
      animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 },
      grid: { left: 50, right: 20, top: 30, bottom: 30 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', name: 'msg/s', min: 0 }, series,
    }, { replaceMerge: ['series'] });
  }

  poll(async () => render(await api('/api/streams')), 2000);
})();
