// Graph page: nodes laid out in layers so that lineage reads left to right — sources and STG,
// hubs, links, satellites, then SQL tasks and marts by depth — coloured by the state of their
// latest task run, labelled with row counts. Click a node for its SQL and runs.
'use strict';
(() => {
  const { api, el, replace, poll, fmt, stateColors, badge, chart } = Strata;
  const kindColors = { source: '#5b8def', stg: '#5b8def', vault: '#8e6ad8', task: '#7a869a', hub: '#8e6ad8', link: '#c06ad8', satellite: '#d88e6a', pit: '#b58900', bridge: '#b58900', mart: '#2aa198' };
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
  const LAYERS = { source: 0, stg: 1, hub: 2, vault: 3, link: 3, satellite: 4 };
  const ROW = 86;          // 36 px symbol + two 15 px label lines + a gap
  const CHAR = 6.6;        // width of one label character at 11 px
  const CORNER = '\u0000corner-'; // invisible layout nodes; no node name can start with NUL

  /** Column of each node: its layer, and for tasks and marts 5 + their depth among tasks and marts. */
  function columns(nodes) {
    const byName = new Map(nodes.map(n => [n.name, n]));
    const col = new Map();
    const visit = (n, seen) => {
      if (col.has(n.name)) return col.get(n.name);
      const layer = n.layer || n.kind;
      if (layer in LAYERS) { col.set(n.name, LAYERS[layer]); return LAYERS[layer]; }
      if (seen.has(n.name)) return 5; // a cycle would be a config error; do not loop
      seen.add(n.name);
      let c = 5;
      for (const i of n.inputs) {
        const up = byName.get(i);
        if (up && !((up.layer || up.kind) in LAYERS)) c = Math.max(c, visit(up, seen) + 1);
      }
      col.set(n.name, c);
      return c;
    };
    nodes.forEach(n => visit(n, new Set()));
    // close the gaps of layers a project does not use (no links, no vault at all)
    const used = [...new Set(col.values())].sort((a, b) => a - b);
    const dense = new Map(used.map((c, i) => [c, i]));
    return new Map([...col].map(([k, c]) => [k, dense.get(c)]));
  }

  /** Rows within each column: in the order of the inputs' rows (fewer crossing edges), else as listed. */
  function rows(nodes, col) {
    const row = new Map();
    const count = Math.max(0, ...col.values()) + 1;
    for (let c = 0; c < count; c++) {
      const inColumn = nodes.filter(n => col.get(n.name) === c);
      const weight = n => {
        const ups = n.inputs.filter(i => row.has(i)).map(i => row.get(i));
        return ups.length ? ups.reduce((a, b) => a + b, 0) / ups.length : Number.MAX_SAFE_INTEGER;
      };
      inColumn.map((n, k) => ({ n, k, w: weight(n) })).sort((a, b) => a.w - b.w || a.k - b.k)
        .forEach((e, r) => row.set(e.n.name, r));
    }
    return row;
  }

  function label(n) {
    return n.name + (n.rows === null || n.rows === undefined ? '' : '\n' + fmt.num(n.rows) + (n.rows === 1 ? ' row' : ' rows'));
  }

  function draw(nodes) {
    const col = columns(nodes);
    const row = rows(nodes, col);
    const count = Math.max(0, ...col.values()) + 1;
    // each column as wide as its longest label, so that neighbouring labels never overlap
    const widths = [...Array(count).keys()].map(c => Math.max(130, ...nodes.filter(n => col.get(n.name) === c)
      .map(n => Math.max(...label(n).split('\n').map(l => l.length)) * CHAR + 34)));
    const centers = widths.map((w, c) => widths.slice(0, c).reduce((a, b) => a + b, 0) + w / 2);
    const tallest = Math.max(1, ...[...Array(count).keys()].map(c => nodes.filter(n => col.get(n.name) === c).length));
    const data = nodes.map(n => {
      // a continuous vault target has no task runs: it is green once it has loaded something
      const color = trouble(n) ? stateColors.failed : n.state ? stateColors[n.state]
        : (n.covered_until ? stateColors.success : (kindColors[n.layer || n.kind] || '#7a869a'));
      // a short column is centred on the tallest one
      const offset = (tallest - nodes.filter(m => col.get(m.name) === col.get(n.name)).length) * ROW / 2;
      return {
        name: n.name, x: 20 + centers[col.get(n.name)], y: 30 + offset + row.get(n.name) * ROW, symbolSize: n.kind === 'source' ? 26 : 36,
        symbol: n.kind === 'source' ? 'diamond' : (n.kind === 'mart' ? 'rect' : 'circle'),
        itemStyle: { color, borderColor: n.name === selected ? '#1d2430' : '#fff', borderWidth: n.name === selected ? 3 : 1 },
        label: { show: true, position: 'bottom', formatter: label(n) },
        value: n.layer || n.kind,
      };
    });
    // The chart is as large as the layout (the panel scrolls) and drawn at scale 1: ECharts fits the
    // nodes' bounding box into the series' box, so two invisible corner nodes make that box the
    // whole canvas, and node and label sizes stay what they are.
    const width = Math.round(widths.reduce((a, b) => a + b, 0) + 40);
    const height = Math.max(300, tallest * ROW + 40);
    const corner = (name, x, y) => ({ name, x, y, symbolSize: 0, label: { show: false }, tooltip: { show: false }, silent: true });
    data.push(corner(CORNER + 'top-left', 0, 0), corner(CORNER + 'bottom-right', width, height));
    const box = document.getElementById('graph-chart');
    if (box.style.height !== height + 'px' || box.style.minWidth !== width + 'px') {
      box.style.height = height + 'px';
      box.style.minWidth = width + 'px';
      graphChart.resize();
    }
    const links = [];
    nodes.forEach(n => n.inputs.forEach(i => links.push({ source: i, target: n.name,
      // an edge that skips layers curves away from the nodes it passes
      lineStyle: { curveness: Math.min(0.3, Math.max(0, col.get(n.name) - (col.get(i) ?? 0) - 1) * 0.08) } })));
    graphChart.setOption({
      animation: false,
      tooltip: { formatter: p => p.dataType === 'node' && !p.name.startsWith(CORNER) ? esc(p.name) + ' (' + p.value + ')'
        + (latest.has(p.name) && trouble(latest.get(p.name)) ? '<br>' + esc(troubleText(latest.get(p.name))).replace(/\n/g, '<br>') : '') : '' },
      series: [{
        type: 'graph', layout: 'none', roam: true, data, links,
        left: 0, top: 0, width, height,
        edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 7,
        lineStyle: { color: '#9aa5b5', width: 1.2, opacity: 0.7 },
        emphasis: { focus: 'adjacency', lineStyle: { width: 2.5, opacity: 1 } },
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

  graphChart.on('click', p => { if (p.dataType === 'node' && !p.name.startsWith(CORNER)) select(p.name); });

  poll(async () => {
    const g = await api('/api/graph');
    latest = new Map(g.nodes.map(n => [n.name, n]));
    draw(g.nodes);
    table(g.nodes);
  }, 3000);
})();
