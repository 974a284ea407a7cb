// Streams page: per source and partition, position, log-end offset and lag; a live chart of
// messages/s produced to each topic and landed from it.
'use strict';
(() => {
  const { api, el, replace, poll, fmt, chart } = Strata;
  const rateChart = chart(document.getElementById('rate-chart'));

  // A few messages behind for a fraction of a second is normal while messages arrive: a lag is
  // red only once its oldest record has waited lag_warning_seconds (console.lag_warning).
  function lagClass(lag, seconds, warning) {
    if (lag === null || lag === undefined) return '';
    if (lag === 0) return 'lag-ok';
    return seconds !== null && seconds !== undefined && seconds >= warning ? 'lag-bad' : 'lag-behind';
  }

  function kafkaSource(s, warning) {
    const cls = lagClass(s.lag, s.lag_seconds, warning);
    return el('div', { className: 'panel source', dataset: { source: s.source, lag: cls } },
      el('h2', null, s.source + (s.topic ? ' ← ' + s.topic : '') + ' (kafka)'),
      el('div', { className: 'muted' }, el('span', { className: cls }, 'lag ' + fmt.num(s.lag) + ' messages, ' + fmt.seconds(s.lag_seconds)),
        ' — red from ' + fmt.seconds(warning) + ' (console.lag_warning); position = the next offset to land'),
      s.error ? el('div', { className: 'lag-bad' }, s.error) : null,
      el('table', null, el('thead', null, el('tr', null, el('th', null, 'partition'), el('th', { className: 'num' }, 'position'),
          el('th', { className: 'num' }, 'log end'), el('th', { className: 'num' }, 'lag'), el('th', { className: 'num' }, 'lag (time)'),
          el('th', null, 'position updated'))),
        el('tbody', null, s.partitions.map(p => el('tr', null, el('td', null, p.partition), el('td', { className: 'num' }, fmt.num(p.position)),
          el('td', { className: 'num' }, fmt.num(p.log_end)),
          el('td', { className: 'num ' + lagClass(p.lag, p.lag_seconds, warning) }, fmt.num(p.lag)),
          el('td', { className: 'num' }, fmt.seconds(p.lag_seconds)),
          el('td', { className: 'muted' }, fmt.time(p.position_updated_at)))))));
  }

  // A Redis dictionary is read whole every refresh: its "position" is the number of snapshots
  // landed, and there is no lag in messages.
  function redisSource(s) {
    const p = s.partitions[0];
    return el('div', { className: 'panel source', dataset: { source: s.source } },
      el('h2', null, s.source + ' (redis dictionary)'),
      el('div', { className: 'muted' }, 'Read whole every refresh: each snapshot lands the entries that changed. '
        + 'Its position counts the snapshots landed; there is no message lag.'),
      s.error ? el('div', { className: 'lag-bad' }, s.error) : null,
      el('dl', { className: 'kv' },
        el('dt', null, 'snapshots landed'), el('dd', { className: 'snapshots' }, p ? fmt.num(p.position) : 'none yet'),
        el('dt', null, 'last snapshot'), el('dd', null, p ? fmt.time(p.position_updated_at) : '–')));
  }

  // A captured table (cdc source): its lag is in time only — now minus the source time of the
  // newest change landed; on a table nobody writes it grows, so its newest change is shown too.
  function cdcSource(s, warning) {
    const p = s.partitions[0];
    const seconds = s.lag_seconds;
    const cls = seconds === null || seconds === undefined ? '' : seconds >= warning ? 'lag-bad' : 'lag-ok';
    return el('div', { className: 'panel source', dataset: { source: s.source, lag: cls } },
      el('h2', null, s.source + ' (cdc: ' + s.topic + ')'),
      el('div', { className: 'muted' }, el('span', { className: 'cdc-lag ' + cls }, 'lag ' + fmt.seconds(seconds)),
        ' — now minus the source time of the newest change landed; red from ' + fmt.seconds(warning)
        + ' (console.lag_warning). A table nobody writes shows a growing lag: compare the newest change.'),
      s.error ? el('div', { className: 'lag-bad' }, s.error) : null,
      el('dl', { className: 'kv' },
        el('dt', null, 'newest change (source time)'), el('dd', null, p && p.position_updated_at ? fmt.time(p.position_updated_at) : 'none yet')));
  }

  function render(snapshot) {
    const box = document.getElementById('sources');
    const warning = snapshot.lag_warning_seconds ?? 60;
    if (snapshot.sources.length === 0) {
      replace(box, el('div', { className: 'panel empty' }, 'No sources.'));
    } else {
      replace(box, snapshot.sources.map(s => s.kind === 'redis' ? redisSource(s) : s.kind === 'cdc' ? cdcSource(s, warning) : kafkaSource(s, warning)));
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
