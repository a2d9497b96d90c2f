// The dashboard page (browser side), for `runs ui` (data from the JSON API, live updates over
// server-sent events) and `runs report` (data inlined in the file, no network). Plain DOM plus
// uPlot: the page is one table, one chart, two panels, and a view library would not pay its way.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import type { RunSummaryJson } from '../core/run-json.js';
import {
  appendRows,
  appendTuples,
  bestPoint,
  CHART_METRICS,
  emptyChart,
  type ChartRow,
  type ChartTuple,
  type RunChart,
} from './series.js';

// ---------------------------------------------------------------------------------------------
// Data: the same shapes as the JSON API (`runs list --json`, `runs show --json`).

// The `runs list --json` row itself (type-only import: nothing of commands/ reaches the page),
// indexable because the column chooser reads columns by name.
type Run = RunSummaryJson & Record<string, unknown>;

interface Details extends Run {
  params: Record<string, unknown>;
  checkpoint_files: { iter: number; file: string | null; val_loss: number | null }[];
}

interface RunPage {
  lines: string[];
  warnings: string[];
  failure: string | null;
}

interface ReportData {
  generated_at: string;
  metrics?: string[];
  runs: Run[];
  details: Record<string, Details>;
  charts: Record<string, Record<string, RunChart>>;
}

interface Source {
  live: boolean;
  metricNames(): Promise<string[]>;
  listRuns(where?: string): Promise<Run[]>;
  details(id: string): Promise<Details>;
  chart(id: string, metric: string): Promise<RunChart>;
  page(id: string): Promise<RunPage | null>;
  metricsAfter(id: string, seq: number): Promise<ChartRow[]>;
  /** An extra metric's rows after seq (its values are not in the `metrics` rows). */
  seriesAfter(id: string, metric: string, seq: number): Promise<ChartTuple[]>;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

const enc = encodeURIComponent;

function apiSource(): Source {
  return {
    live: true,
    metricNames: () => getJson('/api/metric-names'),
    listRuns: (where) => getJson(`/api/runs${where ? `?where=${enc(where)}` : ''}`),
    details: (id) => getJson(`/api/runs/${enc(id)}`),
    chart: (id, metric) => getJson(`/api/runs/${enc(id)}/chart?metric=${enc(metric)}`),
    page: (id) => getJson(`/api/runs/${enc(id)}/page`),
    metricsAfter: (id, seq) => getJson(`/api/runs/${enc(id)}/metrics?after=${seq}`),
    seriesAfter: (id, metric, seq) => getJson(`/api/runs/${enc(id)}/series?metric=${enc(metric)}&after=${seq}`),
  };
}

function reportSource(data: ReportData): Source {
  return {
    live: false,
    metricNames: async () => data.metrics ?? [...CHART_METRICS],
    // A report has no SQL engine: its filter matches text in id, model, status, tags and note.
    listRuns: async (where) => {
      if (!where) return data.runs;
      const words = where.toLowerCase().split(/\s+/).filter(Boolean);
      return data.runs.filter((r) => {
        const text = [r.id, r.model, r.status, r.note, ...r.tags].join(' ').toLowerCase();
        return words.every((w) => text.includes(w));
      });
    },
    details: async (id) => data.details[id]!,
    chart: async (id, metric) => structuredClone(data.charts[id]?.[metric] ?? emptyChart(id, metric)),
    page: async () => null,
    metricsAfter: async () => [],
    seriesAfter: async () => [],
  };
}

// ---------------------------------------------------------------------------------------------
// State.

interface Column {
  key: string;
  label: string;
  value(r: Run): string | number | null;
  show(r: Run): string;
  numeric?: boolean;
  hidden?: boolean;
}

const fmt = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined
    ? '–'
    : Math.abs(v) >= 1000
      ? Math.round(v).toLocaleString('en-US')
      : Number(v.toPrecision(digits + 1)).toString();

function duration(s: number | null): string {
  if (s === null) return '–';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

const shortModel = (m: string | null) => (m ? (m.replace(/\/+$/, '').split('/').pop() ?? m) : '–');

const COLUMNS: Column[] = [
  { key: 'id', label: 'id', value: (r) => r.id, show: (r) => r.id },
  { key: 'status', label: 'status', value: (r) => r.status, show: (r) => r.status },
  { key: 'model', label: 'model', value: (r) => r.model, show: (r) => shortModel(r.model) },
  { key: 'lora_rank', label: 'rank', value: (r) => r.lora_rank, show: (r) => fmt(r.lora_rank), numeric: true },
  {
    key: 'learning_rate',
    label: 'lr',
    value: (r) => r.learning_rate,
    show: (r) => (r.learning_rate === null ? '–' : r.learning_rate.toExponential(1)),
    numeric: true,
  },
  {
    key: 'iters',
    label: 'iters',
    value: (r) => r.iters ?? r.last_iter,
    numeric: true,
    show: (r) => (r.status === 'running' && r.iters ? `${r.last_iter ?? 0}/${r.iters}` : fmt(r.iters ?? r.last_iter)),
  },
  { key: 'batch_size', label: 'batch', value: (r) => r.batch_size, show: (r) => fmt(r.batch_size), numeric: true },
  { key: 'fine_tune_type', label: 'type', value: (r) => r.fine_tune_type, show: (r) => r.fine_tune_type ?? '–' },
  {
    key: 'best_val_loss',
    label: 'best val (iter)',
    value: (r) => r.best_val_loss,
    numeric: true,
    show: (r) => (r.best_val_loss === null ? '–' : `${fmt(r.best_val_loss)} (${r.best_val_iter ?? '?'})`),
  },
  {
    key: 'final_train_loss',
    label: 'final train',
    value: (r) => r.final_train_loss,
    show: (r) => fmt(r.final_train_loss),
    numeric: true,
  },
  { key: 'test_loss', label: 'test loss', value: (r) => r.test_loss, show: (r) => fmt(r.test_loss), numeric: true },
  {
    key: 'tokens_per_sec',
    label: 'tok/s',
    value: (r) => r.tokens_per_sec,
    show: (r) => fmt(r.tokens_per_sec),
    numeric: true,
  },
  {
    key: 'peak_mem_gb',
    label: 'peak mem',
    value: (r) => r.peak_mem_gb,
    show: (r) => (r.peak_mem_gb === null ? '–' : `${fmt(r.peak_mem_gb)} GB`),
    numeric: true,
  },
  {
    key: 'duration_s',
    label: 'duration',
    value: (r) => r.duration_s,
    show: (r) => duration(r.duration_s),
    numeric: true,
  },
  { key: 'tags', label: 'tags', value: (r) => r.tags.join(' '), show: (r) => r.tags.join(', ') },
  { key: 'note', label: 'note', value: (r) => r.note, show: (r) => r.note ?? '' },
];

const METRIC_LABELS: Record<string, string> = {
  loss: 'loss',
  learning_rate: 'learning rate',
  tokens_per_sec: 'tokens/sec',
  it_per_sec: 'it/sec',
  peak_mem_gb: 'peak memory (GB)',
  trained_tokens: 'trained tokens',
  val_time_s: 'val time (s)',
  test_ppl: 'test ppl',
};

const state = {
  source: undefined as unknown as Source,
  runs: [] as Run[],
  shown: [] as Run[],
  where: '',
  status: new Set<string>(),
  tag: new Set<string>(),
  sort: { key: 'best_val_loss', asc: true },
  selected: [] as string[],
  metric: 'loss',
  xAxis: 'iter' as XAxis,
  logY: false,
  smoothing: 0.6,
  raw: false,
  compareAll: false,
  charts: new Map<string, RunChart>(), // `${id}\n${metric}`
  details: new Map<string, Details>(),
  plot: null as uPlot | null,
  openRun: null as string | null,
};

type XAxis = 'iter' | 'tokens' | 'time';
const X_LABELS: Record<XAxis, string> = {
  iter: 'iteration',
  tokens: 'trained tokens',
  time: 'training time (s, from It/sec and Val took)',
};

// ---------------------------------------------------------------------------------------------
// Helpers.

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

/** A run's colour: from its id alone, so it stays the same whatever else is selected. */
function colour(id: string, alpha = 1): string {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  const hue = (((h >>> 0) % 360) * 137.508) % 360;
  return `hsla(${hue.toFixed(0)}, 70%, 42%, ${alpha})`;
}

// ---------------------------------------------------------------------------------------------
// Layout.

function layout(): void {
  const app = $('#app');
  app.replaceChildren(
    el(
      'header',
      {},
      el('h1', {}, 'runs'),
      el('span', { id: 'count' }),
      el(
        'form',
        { id: 'filter-form' },
        el('input', {
          id: 'filter',
          type: 'search',
          spellcheck: 'false',
          placeholder: state.source.live
            ? `filter: lora_rank >= 16 and model like '%Qwen%'`
            : 'filter: words in id, model, status, tags, note',
        }),
        el('button', { type: 'submit' }, 'filter'),
      ),
      el('span', { id: 'chips' }),
      el('details', { id: 'columns' }, el('summary', {}, 'columns'), el('div', { id: 'column-list' })),
      el('span', { id: 'live' }, state.source.live ? '' : 'report: a snapshot'),
    ),
    el('div', { id: 'filter-error', role: 'alert' }),
    el(
      'section',
      { id: 'table-pane' },
      el('div', { id: 'scroller' }, el('table', { id: 'runs' }, el('thead'), el('tbody'))),
    ),
    el(
      'section',
      { id: 'chart-pane' },
      el(
        'div',
        { id: 'chart-controls' },
        el(
          'label',
          {},
          'metric ',
          el(
            'select',
            { id: 'metric' },
            ...CHART_METRICS.map((m) => el('option', { value: m }, METRIC_LABELS[m] ?? m)),
          ),
        ),
        el(
          'label',
          {},
          'x ',
          el(
            'select',
            { id: 'x-axis' },
            el('option', { value: 'iter' }, 'iteration'),
            el('option', { value: 'tokens' }, 'trained tokens'),
            el('option', { value: 'time' }, 'training time'),
          ),
        ),
        el('label', {}, el('input', { id: 'log-y', type: 'checkbox' }), ' log y'),
        el(
          'label',
          {},
          'smoothing ',
          el('input', {
            id: 'smoothing',
            type: 'range',
            min: '0',
            max: '0.99',
            step: '0.01',
            value: String(state.smoothing),
          }),
        ),
        el('label', {}, el('input', { id: 'raw', type: 'checkbox' }), ' raw'),
        el('span', { id: 'chart-note' }),
      ),
      el('div', { id: 'chart' }),
    ),
    el('section', { id: 'compare-pane' }),
    el('section', { id: 'run-pane' }),
  );
  $('#filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.where = $<HTMLInputElement>('#filter').value.trim();
    void reload();
  });
  $('#metric').addEventListener('change', (e) => {
    state.metric = (e.target as HTMLSelectElement).value;
    void drawChart();
  });
  $('#x-axis').addEventListener('change', (e) => {
    state.xAxis = (e.target as HTMLSelectElement).value as XAxis;
    void drawChart();
  });
  $('#log-y').addEventListener('change', (e) => {
    state.logY = (e.target as HTMLInputElement).checked;
    void drawChart();
  });
  $('#smoothing').addEventListener('input', (e) => {
    state.smoothing = Number((e.target as HTMLInputElement).value);
    void drawChart();
  });
  $('#raw').addEventListener('change', (e) => {
    state.raw = (e.target as HTMLInputElement).checked;
    void drawChart();
  });
  $('#scroller').addEventListener('scroll', () => renderRows());
  renderColumnChooser();
}

function visibleColumns(): Column[] {
  return COLUMNS.filter((c) => !c.hidden);
}

function renderColumnChooser(): void {
  const list = $('#column-list');
  list.replaceChildren(
    ...COLUMNS.filter((c) => c.key !== 'id').map((c) => {
      const box = el('input', { type: 'checkbox', 'data-column': c.key });
      box.checked = !c.hidden;
      box.addEventListener('change', () => {
        c.hidden = !box.checked;
        renderTable();
      });
      return el('label', {}, box, ` ${c.label}`);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Table: sorted and filtered in the page; only the rows in view are in the DOM, so thousands of
// runs scroll smoothly.

const ROW_HEIGHT = 26;

function compareRuns(a: Run, b: Run): number {
  const col = COLUMNS.find((c) => c.key === state.sort.key)!;
  const va = col.value(a);
  const vb = col.value(b);
  // Runs without a value go last in both directions (like `runs list`).
  const na = va === null || va === '' || va === undefined;
  const nb = vb === null || vb === '' || vb === undefined;
  // Ties: newest id first, as `runs list` orders them.
  const tie = a.id < b.id ? 1 : -1;
  if (na || nb) return na === nb ? tie : na ? 1 : -1;
  const d = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
  return (state.sort.asc ? d : -d) || tie;
}

function applyView(): void {
  state.shown = state.runs.filter(
    (r) =>
      (state.status.size === 0 || state.status.has(r.status)) &&
      (state.tag.size === 0 || r.tags.some((t) => state.tag.has(t))),
  );
  state.shown.sort(compareRuns);
  $('#count').textContent = `${state.shown.length} of ${state.runs.length} runs`;
  document.body.dataset.rows = String(state.shown.length);
}

function renderChips(): void {
  const statuses = [...new Set(state.runs.map((r) => r.status))].sort();
  const tags = [...new Set(state.runs.flatMap((r) => r.tags))].sort().slice(0, 30);
  const chip = (label: string, set: Set<string>, value: string, kind: string) => {
    const b = el(
      'button',
      { type: 'button', class: `chip ${kind}${set.has(value) ? ' on' : ''}`, 'data-chip': `${kind}:${value}` },
      label,
    );
    b.addEventListener('click', () => {
      if (set.has(value)) set.delete(value);
      else set.add(value);
      renderTable();
      renderChips();
    });
    return b;
  };
  $('#chips').replaceChildren(
    ...statuses.map((s) => chip(s, state.status, s, 'status')),
    ...tags.map((t) => chip(`#${t}`, state.tag, t, 'tag')),
  );
}

function renderTable(): void {
  applyView();
  const cols = visibleColumns();
  const head = el('tr', {}, el('th', { class: 'pick' }));
  for (const c of cols) {
    const arrow = state.sort.key === c.key ? (state.sort.asc ? ' ▲' : ' ▼') : '';
    const th = el('th', { 'data-key': c.key, class: c.numeric ? 'num' : '' }, c.label + arrow);
    th.addEventListener('click', () => {
      state.sort =
        state.sort.key === c.key
          ? { key: c.key, asc: !state.sort.asc }
          : { key: c.key, asc: c.numeric === true || c.key !== 'id' };
      renderTable();
    });
    head.append(th);
  }
  $('#runs thead').replaceChildren(head);
  renderRows();
}

function renderRows(): void {
  const scroller = $('#scroller');
  const cols = visibleColumns();
  const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - 10);
  const count = Math.ceil((scroller.clientHeight || 600) / ROW_HEIGHT) + 20;
  const last = Math.min(state.shown.length, first + count);
  const rows: HTMLElement[] = [];
  const spacer = (n: number) => el('tr', { class: 'spacer', style: `height:${n * ROW_HEIGHT}px` });
  if (first > 0) rows.push(spacer(first));
  for (let i = first; i < last; i++) {
    const r = state.shown[i]!;
    const box = el('input', { type: 'checkbox', 'aria-label': `select ${r.id}` });
    box.checked = state.selected.includes(r.id);
    box.addEventListener('change', () => toggleSelected(r.id, box.checked));
    const tr = el('tr', { class: `run status-${r.status}`, 'data-id': r.id }, el('td', { class: 'pick' }, box));
    if (box.checked) tr.style.setProperty('--run-colour', colour(r.id));
    for (const c of cols) {
      const td = el('td', { class: c.numeric ? 'num' : '', 'data-key': c.key });
      if (c.key === 'id') {
        const a = el('a', { href: '#', class: 'run-link' }, r.id);
        a.addEventListener('click', (e) => {
          e.preventDefault();
          void openRun(r.id);
        });
        td.append(a);
      } else td.textContent = c.show(r);
      tr.append(td);
    }
    rows.push(tr);
  }
  if (last < state.shown.length) rows.push(spacer(state.shown.length - last));
  $('#runs tbody').replaceChildren(...rows);
}

function toggleSelected(id: string, on: boolean): void {
  state.selected = state.selected.filter((s) => s !== id);
  if (on) state.selected.push(id);
  renderRows();
  void drawChart();
  void renderCompare();
}

async function reload(): Promise<void> {
  const error = $('#filter-error');
  try {
    state.runs = await state.source.listRuns(state.where || undefined);
    error.textContent = '';
  } catch (err) {
    error.textContent = (err as Error).message;
    return;
  }
  renderChips();
  renderTable();
}

// ---------------------------------------------------------------------------------------------
// Chart: the selected runs overlaid (val solid, train lighter), one metric at a time.

async function chartOf(id: string, metric: string): Promise<RunChart> {
  const key = `${id}\n${metric}`;
  let c = state.charts.get(key);
  if (!c) {
    c = await state.source.chart(id, metric);
    state.charts.set(key, c);
  }
  return c;
}

/** Debiased EMA (as TensorBoard smooths): the first points are not pulled towards zero. */
function smooth(ys: number[], weight: number): number[] {
  if (weight <= 0) return ys;
  let last = 0;
  let debias = 0;
  return ys.map((y) => {
    last = last * weight + (1 - weight) * y;
    debias = debias * weight + (1 - weight);
    return last / debias;
  });
}

interface Drawn {
  id: string;
  split: string;
  x: number[];
  y: number[];
}

let drawing = 0;

async function drawChart(): Promise<void> {
  const ticket = ++drawing;
  const metric = state.metric;
  const ids = [...state.selected];
  const charts = await Promise.all(ids.map((id) => chartOf(id, metric)));
  if (ticket !== drawing) return; // a newer draw started meanwhile
  const box = $('#chart');
  state.plot?.destroy();
  state.plot = null;
  if (ids.length === 0) {
    box.replaceChildren(el('p', { class: 'hint' }, 'Select runs in the table to draw their curves.'));
    $('#chart-note').textContent = '';
    return;
  }
  const weight = state.raw ? 0 : state.smoothing;
  const drawn: Drawn[] = [];
  /** Runs with points for this metric but none on the chosen x axis (no tokens or no It/sec). */
  const offAxis = new Set<string>();
  for (const c of charts) {
    for (const split of ['val', 'train', 'test']) {
      const s = c.splits[split];
      if (!s || s.y.length === 0) continue;
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < s.x.length; i++) {
        const x = state.xAxis === 'iter' ? s.x[i]! : state.xAxis === 'tokens' ? s.tok[i] : s.t[i];
        if (x === null || x === undefined) continue;
        xs.push(x);
        ys.push(s.y[i]!);
      }
      if (xs.length === 0) offAxis.add(c.id);
      // Val points are few and far apart: smoothing them would hide the best one.
      drawn.push({ id: c.id, split, x: xs, y: split === 'train' ? smooth(ys, weight) : ys });
    }
  }
  const xsAll = [...new Set(drawn.flatMap((d) => d.x))].sort((a, b) => a - b);
  const at = new Map(xsAll.map((x, i) => [x, i]));
  const data: (number | null)[][] = [xsAll];
  const series: uPlot.Series[] = [{ label: X_LABELS[state.xAxis] }];
  for (const d of drawn) {
    const col = new Array<number | null>(xsAll.length).fill(null);
    for (let i = 0; i < d.x.length; i++) col[at.get(d.x[i]!)!] = d.y[i]!;
    data.push(col);
    series.push({
      label: `${d.id} ${d.split}`,
      stroke: colour(d.id, d.split === 'val' ? 1 : 0.45),
      width: d.split === 'val' ? 2 : 1,
      spanGaps: true,
      points: { show: d.split !== 'train', size: 4 },
      value: (_u, v) => (v === null ? '–' : fmt(v, 4)),
    });
  }
  const notOnAxis =
    offAxis.size === 0
      ? ''
      : ` ${offAxis.size} run(s) not drawn: their logs give no ${state.xAxis === 'time' ? 'It/sec to time reports by' : 'trained tokens'}.`;
  $('#chart-note').textContent =
    (drawn.every((d) => d.x.length === 0)
      ? `no ${METRIC_LABELS[metric] ?? metric} on this axis in the selected runs.`
      : '') + notOnAxis;
  const marks = state.xAxis === 'iter' ? charts : [];
  const width = Math.max(box.clientWidth, 400);
  box.replaceChildren();
  state.plot = new uPlot(
    {
      width,
      height: 360,
      series,
      scales: { x: { time: false }, y: { distr: state.logY ? 3 : 1 } },
      axes: [{ label: series[0]!.label as string }, { label: METRIC_LABELS[metric] ?? metric, size: 70 }],
      legend: { live: true },
      cursor: { focus: { prox: 16 } },
      focus: { alpha: 0.3 },
      hooks: { draw: [(u) => drawMarks(u, marks, metric)] },
    },
    data as uPlot.AlignedData,
    box,
  );
  document.body.dataset.series = String(drawn.length);
}

/** Checkpoints as ticks on the x axis, the best val loss as a ring, in the run's colour. */
function drawMarks(u: uPlot, charts: RunChart[], metric: string): void {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  for (const c of charts) {
    ctx.strokeStyle = colour(c.id);
    ctx.lineWidth = 2 * devicePixelRatio;
    for (const x of c.checkpoints) {
      const px = u.valToPos(x, 'x', true);
      if (px < left || px > left + width) continue;
      ctx.beginPath();
      ctx.moveTo(px, top + height);
      ctx.lineTo(px, top + height - 8 * devicePixelRatio);
      ctx.stroke();
    }
    const best = metric === 'loss' ? bestPoint(c) : null;
    if (best) {
      ctx.beginPath();
      ctx.arc(u.valToPos(best.x, 'x', true), u.valToPos(best.y, 'y', true), 6 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  ctx.restore();
}

// ---------------------------------------------------------------------------------------------
// Compare: the selected runs' config and metadata differences and metric deltas (as `runs diff`).

const COMPARE_META = [
  'model',
  'data_dir',
  'fine_tune_type',
  'lora_rank',
  'learning_rate',
  'batch_size',
  'iters',
  'status',
];
const COMPARE_METRICS: [string, string, boolean][] = [
  ['best_val_loss', 'best val', true],
  ['final_val_loss', 'final val', true],
  ['final_train_loss', 'final train', true],
  ['test_loss', 'test loss', true],
  ['tokens_per_sec', 'tok/s', false],
  ['peak_mem_gb', 'peak mem GB', true],
];

async function detailsOf(id: string): Promise<Details> {
  let d = state.details.get(id);
  if (!d) {
    d = await state.source.details(id);
    state.details.set(id, d);
  }
  return d;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return fmt(v, 5);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

async function renderCompare(): Promise<void> {
  const pane = $('#compare-pane');
  if (state.selected.length < 2) {
    pane.replaceChildren();
    return;
  }
  const ds = await Promise.all(state.selected.map(detailsOf));
  const keys = [...new Set([...COMPARE_META, ...ds.flatMap((d) => Object.keys(d.params))])];
  const rows: HTMLElement[] = [];
  for (const k of keys) {
    const values = ds.map((d) => show(k in d.params ? d.params[k] : d[k]));
    const differs = new Set(values).size > 1;
    if (!differs && !state.compareAll) continue;
    rows.push(el('tr', { class: differs ? 'differs' : '' }, el('th', {}, k), ...values.map((v) => el('td', {}, v))));
  }
  const base = ds[0]!;
  for (const [k, label, lowerBetter] of COMPARE_METRICS) {
    const cells = ds.map((d, i) => {
      const v = d[k] as number | null;
      const b = base[k] as number | null;
      if (i === 0 || v === null || b === null) return el('td', {}, fmt(v, 4));
      const delta = v - b;
      const better = lowerBetter ? delta < 0 : delta > 0;
      return el(
        'td',
        { class: delta === 0 ? '' : better ? 'better' : 'worse' },
        `${fmt(v, 4)} (${delta >= 0 ? '+' : ''}${fmt(delta, 3)})`,
      );
    });
    rows.push(el('tr', { class: 'metric' }, el('th', {}, label), ...cells));
  }
  const toggle = el('input', { type: 'checkbox', id: 'compare-all' });
  toggle.checked = state.compareAll;
  toggle.addEventListener('change', () => {
    state.compareAll = toggle.checked;
    void renderCompare();
  });
  pane.replaceChildren(
    el('h2', {}, `compare ${ds.length} runs`),
    el('label', {}, toggle, ' show unchanged keys'),
    el(
      'table',
      { class: 'compare' },
      el('thead', {}, el('tr', {}, el('th'), ...ds.map((d) => el('th', { style: `color:${colour(d.id)}` }, d.id)))),
      el('tbody', {}, ...rows),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Run page.

async function openRun(id: string): Promise<void> {
  state.openRun = id;
  const [d, page] = await Promise.all([detailsOf(id), state.source.page(id)]);
  const pane = $('#run-pane');
  const meta = [
    'status',
    'model',
    'data_dir',
    'started_at',
    'finished_at',
    'duration_s',
    'exit_code',
    'signal',
    'iters',
    'last_iter',
    'best_val_loss',
    'best_val_iter',
    'final_val_loss',
    'final_train_loss',
    'test_loss',
    'test_ppl',
    'tokens_per_sec',
    'peak_mem_gb',
    'trained_tokens',
    'log_format',
    'tags',
    'note',
    'path',
  ];
  let best: number | null = null;
  for (const c of d.checkpoint_files)
    if (c.val_loss !== null && (best === null || c.val_loss < best)) best = c.val_loss;
  const close = el('button', { type: 'button' }, 'close');
  close.addEventListener('click', () => pane.replaceChildren());
  pane.replaceChildren(
    el('h2', {}, d.id, ' ', close),
    ...(page?.failure ? [el('p', { class: 'failure' }, page.failure)] : []),
    ...(page && page.warnings.length
      ? [el('ul', { class: 'warnings' }, ...page.warnings.map((w) => el('li', {}, w)))]
      : []),
    el(
      'div',
      { class: 'run-columns' },
      el(
        'table',
        { class: 'kv' },
        el('tbody', {}, ...meta.map((k) => el('tr', {}, el('th', {}, k), el('td', {}, show(d[k]))))),
      ),
      el(
        'table',
        { class: 'kv' },
        el(
          'tbody',
          {},
          ...Object.entries(d.params).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, show(v)))),
        ),
      ),
      el(
        'table',
        { class: 'checkpoints' },
        el('thead', {}, el('tr', {}, el('th', {}, 'checkpoint iter'), el('th', {}, 'val loss'), el('th', {}, 'file'))),
        el(
          'tbody',
          {},
          ...d.checkpoint_files.map((c) =>
            el(
              'tr',
              { class: c.val_loss !== null && c.val_loss === best ? 'best' : '' },
              el('td', {}, String(c.iter)),
              el('td', {}, `${fmt(c.val_loss, 4)}${c.val_loss !== null && c.val_loss === best ? ' ★ best' : ''}`),
              el('td', {}, c.file ?? '–'),
            ),
          ),
        ),
      ),
    ),
    page
      ? el('pre', { class: 'log' }, page.lines.join('\n'))
      : el('p', { class: 'hint' }, 'The log is not part of a report: open the run folder for train.log.'),
  );
  pane.scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------------------------------------
// Live: the server says which runs changed; the page asks only for metric rows after the last
// one it has (never a whole history on a timer).

function listen(): void {
  const events = new EventSource('/api/events');
  const dot = $('#live');
  events.addEventListener('open', () => (dot.textContent = '● live'));
  events.addEventListener('error', () => (dot.textContent = '○ reconnecting'));
  events.addEventListener('runs', (e) => {
    const diff = JSON.parse((e as MessageEvent<string>).data) as { changed: Run[]; removed: string[] };
    void applyChanges(diff);
  });
}

async function applyChanges(diff: { changed: Run[]; removed: string[] }): Promise<void> {
  if (state.where)
    await reload(); // the server decides what a filter matches
  else {
    const byId = new Map(state.runs.map((r) => [r.id, r]));
    for (const id of diff.removed) byId.delete(id);
    for (const r of diff.changed) byId.set(r.id, r);
    state.runs = [...byId.values()];
    renderChips();
    renderTable();
  }
  let grew = false;
  for (const r of diff.changed) {
    state.details.delete(r.id);
    const cached = [...state.charts.entries()].filter(([k]) => k.startsWith(`${r.id}\n`)).map(([, c]) => c);
    if (cached.length === 0) continue;
    // Charts of `metrics` columns grow from the rows after the oldest one's last seq (one request);
    // an extra metric's chart asks for its own values after its last seq.
    const columns = cached.filter((c) => (CHART_METRICS as readonly string[]).includes(c.metric));
    if (columns.length > 0) {
      const rows = await state.source.metricsAfter(r.id, Math.min(...columns.map((c) => c.axis.lastSeq)));
      for (const c of columns) if (appendRows(c, rows) > 0) grew = true;
    }
    for (const c of cached) {
      if (columns.includes(c)) continue;
      if (appendTuples(c, await state.source.seriesAfter(r.id, c.metric, c.axis.lastSeq)) > 0) grew = true;
    }
  }
  if (grew) await drawChart();
  if (state.selected.length >= 2) void renderCompare();
}

// ---------------------------------------------------------------------------------------------

async function start(): Promise<void> {
  const inline = document.getElementById('runs-data');
  state.source = inline ? reportSource(JSON.parse(inline.textContent ?? '{}') as ReportData) : apiSource();
  layout();
  // Extra metrics of other trainers (rewards, accuracy, margin, …) join the metric menu.
  const names = await state.source.metricNames();
  $('#metric').replaceChildren(...names.map((m) => el('option', { value: m }, METRIC_LABELS[m] ?? m)));
  await reload();
  await drawChart();
  if (state.source.live) listen();
  // For scripts and tests: the chart and what the page holds.
  (window as unknown as { runsDashboard: unknown }).runsDashboard = {
    state,
    plot: () => state.plot,
    /** Selects these runs and resolves once the chart is drawn and painted: ms taken (npm run bench). */
    select: async (ids: string[]) => {
      const t0 = performance.now();
      state.selected = [...ids];
      renderRows();
      await drawChart();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    },
  };
  document.body.dataset.ready = '1';
}

void start();
