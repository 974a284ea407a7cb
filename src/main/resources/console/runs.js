// Runs page: the Airflow-style grid, nodes × intervals. A cell's detail shows the error and a
// re-run button (the scheduler queues a new attempt of that interval).
'use strict';
(() => {
  const { api, el, replace, poll, fmt, badge } = Strata;
  const select = document.getElementById('interval-count');
  let current = null;

  function render(grid) {
    const table = document.getElementById('grid');
    document.getElementById('grid-empty').hidden = grid.cells.length > 0;
    if (grid.cells.length === 0) { replace(table); return; }
    const cells = new Map(grid.cells.map(c => [c.node + '|' + c.interval_start, c]));
    const labels = fmt.intervalLabels(grid.intervals.map(i => i.start));
    const head = el('tr', null, el('th', null, 'node'), grid.intervals.map((i, k) => el('th', { className: 'interval', title: i.start + ' – ' + i.end }, labels[k])));
    const rows = grid.nodes.map(node => el('tr', null, el('td', null, node), grid.intervals.map(i => {
      const c = cells.get(node + '|' + i.start);
      const failing = c && c.tests ? c.tests : [];
      const sq = c ? el('span', {
        className: 'sq state-' + c.state + (failing.length ? ' tests-failed' : ''),
        title: node + ' ' + i.start + ': ' + c.state + ' (attempt ' + c.attempt + ')' + failing.map(t =>
          '\ntest ' + t.test + ' (' + t.severity + '): ' + (t.status === 'error' ? 'could not run' : t.failures + ' offending rows')).join(''),
        dataset: { runId: c.id, state: c.state, failedTests: failing.map(t => t.test).join(',') },
      }, failing.length ? '!' : null) : continuousCell(node, i, grid.continuous[node]);
      if (c) sq.addEventListener('click', () => show(c.id));
      return el('td', { className: 'cell' }, sq);
    })));
    replace(table, el('thead', null, head), el('tbody', null, rows));
  }

  /**
   * A continuous node (landing, a continuous vault target) runs no task per interval: its cell says
   * whether its output covers the interval (the vault reports how far it is complete), or, for a
   * source, that it lands continuously (its lag is on the Streams page).
   */
  function continuousCell(node, interval, info) {
    if (!info) return el('span', { className: 'sq', title: node + ' ' + interval.start + ': no run' });
    if (info.covered_until) {
      const covered = Date.parse(info.covered_until) >= Date.parse(interval.end);
      return el('span', {
        className: 'sq ' + (covered ? 'covered' : 'pending'),
        title: node + ' (continuous): ' + (covered ? 'covers this interval' : 'not yet past its end')
          + '; complete up to ' + fmt.time(info.covered_until),
        dataset: { state: covered ? 'covered' : 'pending' },
      });
    }
    if (!['source', 'stg'].includes(info.kind)) {
      // a continuous vault target that has not loaded anything yet
      return el('span', { className: 'sq pending', title: node + ' (continuous): nothing loaded yet', dataset: { state: 'pending' } });
    }
    return el('span', {
      className: 'sq streaming',
      title: node + ' (' + info.kind + ', continuous): lands as messages arrive; see Streams for its lag',
      dataset: { state: 'streaming' },
    });
  }

  async function show(id) {
    current = id;
    const box = document.getElementById('run-detail');
    const r = await api('/api/runs/' + id);
    const interval = r.interval_start + '/' + r.interval_end;
    const rerun = el('button', { id: 'rerun' }, 'Re-run this interval');
    rerun.disabled = r.state === 'queued' || r.state === 'running';
    const result = el('div', { className: 'muted', id: 'rerun-result' },
      r.state === 'queued' ? 'Queued: it runs when a worker takes it (after its upstream, and its previous interval with depends_on_past).'
        : r.state === 'running' ? 'Running now: re-run it once this attempt has finished.' : '');
    rerun.addEventListener('click', async () => {
      rerun.disabled = true;
      try {
        await api('/api/runs/rerun', { method: 'POST', body: { node: r.node, interval } });
        result.textContent = 'queued: a new attempt runs when a worker takes it';
      } catch (e) {
        result.textContent = 're-run refused: ' + e.message;
        rerun.disabled = false;
      }
    });
    replace(box, el('h2', null, r.node), el('dl', { className: 'kv' },
      el('dt', null, 'interval'), el('dd', null, fmt.time(r.interval_start) + ' – ' + fmt.time(r.interval_end)),
      el('dt', null, 'state'), el('dd', null, badge(r.state)),
      el('dt', null, 'attempt'), el('dd', null, r.attempt + ' of ' + r.max_attempts),
      el('dt', null, 'worker'), el('dd', null, r.worker || '–'),
      el('dt', null, 'started'), el('dd', null, fmt.time(r.started_at)),
      el('dt', null, 'finished'), el('dd', null, fmt.time(r.finished_at)),
      el('dt', null, 'rows'), el('dd', null, fmt.num(r.rows_affected))),
      r.error ? el('h2', null, 'Error') : null, r.error ? el('pre', { id: 'run-error' }, r.error) : null,
      testsTable(r.tests || []), rerun, result);
  }

  /** The data tests of the run's latest attempt: status, offending rows, and the sample rows as text. */
  function testsTable(tests) {
    if (tests.length === 0) return null;
    const rows = [];
    for (const t of tests) {
      rows.push(el('tr', { dataset: { test: t.test, status: t.status } },
        el('td', null, t.test), el('td', null, t.severity), el('td', null, badge(t.status === 'pass' ? 'success' : 'failed')),
        el('td', null, fmt.num(t.failures))));
      const detail = t.status === 'error' ? (t.message || '') : (t.samples || []).map(row => JSON.stringify(row)).join('\n');
      if (detail) rows.push(el('tr', { className: 'samples' }, el('td', { colspan: 4 }, el('pre', { dataset: { samplesOf: t.test } }, detail))));
    }
    return el('div', { id: 'run-tests' }, el('h2', null, 'Data tests'), el('table', { className: 'data' },
      el('thead', null, el('tr', null, ['test', 'severity', 'status', 'offending rows'].map(h => el('th', null, h)))),
      el('tbody', null, rows)));
  }

  /** The run log: one row per pipeline run (strata.pipeline_runs), newest first; an error's first line as text, all of it on hover. */
  function renderPipelineRuns(list) {
    const table = document.getElementById('pipeline-runs');
    document.getElementById('pipeline-runs-empty').hidden = list.length > 0;
    if (list.length === 0) { replace(table); return; }
    replace(table, el('thead', null, el('tr', null, ['logical date', 'trigger', 'status', 'started', 'finished', 'tasks',
      'failed task', 'error'].map(h => el('th', null, h)))),
    el('tbody', null, list.map(r => el('tr', { dataset: { runId: r.run_id, status: r.status }, title: r.run_id },
      el('td', null, fmt.time(r.logical_date)), el('td', { className: 'run-trigger' }, r.trigger_type), el('td', { className: 'run-status' }, badge(r.status)),
      el('td', null, fmt.time(r.started_at)), el('td', null, fmt.time(r.finished_at)), el('td', null, fmt.num(r.task_count)),
      el('td', { className: 'run-failed-task' }, r.failed_task || '–'),
      el('td', { className: 'run-message', title: r.error_message || '' }, r.error_message ? r.error_message.split('\n')[0] : '–')))));
  }

  const poller = poll(async () => {
    render(await api('/api/runs?intervals=' + encodeURIComponent(select.value)));
    renderPipelineRuns((await api('/api/pipeline-runs?limit=20')).pipeline_runs);
  }, 3000);
  select.addEventListener('change', () => poller.now());
})();
