// Graph page: nodes laid out in columns by depth (sources left, marts right), coloured by the
// state of their latest task run, labelled with row counts. Click a node for its SQL and runs.
'use strict';
(() => {
  const { api, el, replace, poll, fmt, stateColors, badge, chart } = Strata;
  const kindColors = { source: '#5b8def', stg: '#5b8def', vault: '#8e6ad8', task: '#7a869a', hub: '#8e6ad8', link: '#c06ad8', satellite: '#d88e6a', mart: '#2aa198' };
  const graphChart = chart(document.getElementById('graph-chart'));
  let selected = null;
  let latest = new Map();   // name -> node of the last /api/graph answer
  // a vault target with rejected rows or failing loads is red whatever its runs say
  const trouble = n => n.load_error || n.rejects > 0;
  const troubleText = n => (n.load_error ? 'loads failing: ' + n.load_error : '')
    + (n.rejects > 0 ? (n.load_error ? '\n' : '') + n.rejects + ' STG row' + (n.rejects === 1 ? '' : 's')
      + ' rejected; latest: ' + n.reject_reason + ' (strata vault rejects list)' : '');
  // kinds that run continuously (landing, vault loads after each batch) unless the schedule gives them intervals
  const CONTINUOUS_KINDS = ['source', 'stg', 'vault'];

  const esc = t => String(t).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  function depths(nodes) {
    const byName = new Map(nodes.map(n => [n.name, n]));
    const depth = new Map();
    const visit = (n, seen) => {
      if (depth.has(n.name)) return depth.get(n.name);
      if (seen.has(n.name)) return 0; // a cycle would be a config error; do not loop
      seen.add(n.name);
      let d = 0;
      for (const i of n.inputs) if (byName.has(i)) d = Math.max(d, visit(byName.get(i), seen) + 1);
      depth.set(n.name, d);
      return d;
    };
    nodes.forEach(n => visit(n, new Set()));
    return depth;
  }

  function draw(nodes) {
    const depth = depths(nodes);
    const perColumn = new Map();
    const data = nodes.map(n => {
      const d = depth.get(n.name);
      const row = perColumn.get(d) || 0;
      perColumn.set(d, row + 1);
      // a continuous vault target has no task runs: it is green once it has loaded something
      const color = trouble(n) ? stateColors.failed : n.state ? stateColors[n.state] : (n.covered_until ? stateColors.success : (kindColors[n.kind] || '#7a869a'));
      return {
        name: n.name, x: d * 160, y: row * 80, symbolSize: n.kind === 'source' ? 26 : 36,
        symbol: n.kind === 'source' ? 'diamond' : (n.kind === 'mart' ? 'rect' : 'circle'),
        itemStyle: { color, borderColor: n.name === selected ? '#1d2430' : '#fff', borderWidth: n.name === selected ? 3 : 1 },
        label: { show: true, position: 'bottom', formatter: n.name + (n.rows === null || n.rows === undefined ? '' : '\n' + fmt.num(n.rows) + (n.rows === 1 ? ' row' : ' rows')) },
        value: n.kind,
      };
    });
    // Give every row of the tallest column room for its two-line label (the chart scales to fit).
    const rows = Math.max(1, ...perColumn.values());
    // 36 px symbol + two 15 px label lines + a gap: below ~86 px a row's label runs into the next node
    const height = Math.max(460, rows * 86 + 60) + 'px';
    const box = document.getElementById('graph-chart');
    if (box.style.height !== height) {
      box.style.height = height;
      graphChart.resize();
    }
    const links = [];
    nodes.forEach(n => n.inputs.forEach(i => links.push({ source: i, target: n.name })));
    graphChart.setOption({
      animation: false,
      tooltip: { formatter: p => p.dataType === 'node' ? p.name + ' (' + p.value + ')'
        + (latest.has(p.name) && trouble(latest.get(p.name)) ? '<br>' + esc(troubleText(latest.get(p.name))).replace(/\n/g, '<br>') : '') : '' },
      series: [{
        type: 'graph', layout: 'none', roam: true, data, links,
        edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 8,
        lineStyle: { color: '#9aa5b5', width: 1.5, curveness: 0.1 },
        label: { fontSize: 11, lineHeight: 15, color: '#1d2430' },
      }],
    }, { replaceMerge: ['series'] });
  }

  function table(nodes) {
    const body = document.querySelector('#nodes tbody');
    replace(body, nodes.map(n => el('tr', { dataset: { node: n.name }, onclick: () => select(n.name) },
      el('td', null, el('a', { href: '#' }, n.name)), el('td', null, n.kind), el('td', { className: 'muted' }, n.table || '–'),
      el('td', { className: 'num' }, fmt.num(n.rows)), el('td', null, trouble(n)
        ? el('span', { className: 'badge state-failed', title: troubleText(n) }, n.load_error ? 'failing' : n.rejects + ' rejected')
        : n.state || !CONTINUOUS_KINDS.includes(n.kind) ? badge(n.state)
        : el('span', { className: 'badge state-continuous', title: n.covered_until
          ? 'loads after each landed batch; complete up to ' + fmt.time(n.covered_until)
          : 'runs after each landed batch, not per interval' }, 'continuous')),
      el('td', { className: 'muted' }, n.last_interval_start ? fmt.time(n.last_interval_start)
        : (n.covered_until ? 'to ' + fmt.time(n.covered_until) : '–')))));
  }

  async function select(name) {
    selected = name;
    const box = document.getElementById('node-detail');
    try {
      const d = await api('/api/graph/nodes/' + encodeURIComponent(name));
      const runs = d.runs.length === 0 ? el('div', { className: 'empty' }, 'No task runs yet.')
        : el('table', null, el('thead', null, el('tr', null, el('th', null, 'interval'), el('th', null, 'state'),
            el('th', { className: 'num' }, 'attempt'), el('th', { className: 'num' }, 'rows'))),
          el('tbody', null, d.runs.map(r => el('tr', null, el('td', null, fmt.time(r.interval_start)),
            el('td', null, badge(r.state)), el('td', { className: 'num' }, r.attempt), el('td', { className: 'num' }, fmt.num(r.rows_affected))))));
      const errors = d.runs.filter(r => r.error).slice(0, 3).map(r => el('div', null,
        el('div', { className: 'muted' }, fmt.time(r.interval_start) + ' attempt ' + r.attempt), el('pre', null, r.error)));
      const n = latest.get(name);
      const problems = n && trouble(n) ? [el('h2', null, 'Problems'), el('pre', { id: 'detail-problems' }, troubleText(n))] : [];
      replace(box, el('h2', { id: 'detail-name' }, d.name), ...problems, el('dl', { className: 'kv' },
          el('dt', null, 'kind'), el('dd', null, d.kind), el('dt', null, 'table'), el('dd', null, d.table || '–'),
          el('dt', null, 'inputs'), el('dd', null, d.inputs.join(', ') || '–')),
        el('h2', null, 'SQL'), d.sql ? el('pre', { id: 'detail-sql' }, d.sql) : el('div', { className: 'empty' }, 'No SQL: this node is not built by Strata SQL.'),
        el('h2', null, 'Last runs'), runs, errors.length ? el('h2', null, 'Errors') : null, errors);
    } catch (e) {
      replace(box, el('div', { className: 'empty' }, 'Cannot load ' + name + ': ' + e.message));
    }
  }

  graphChart.on('click', p => { if (p.dataType === 'node') select(p.name); });

  poll(async () => {
    const g = await api('/api/graph');
    latest = new Map(g.nodes.map(n => [n.name, n]));
    draw(g.nodes);
    table(g.nodes);
  }, 3000);
})();
