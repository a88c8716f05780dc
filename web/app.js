// The workbench page: sends the model to the engine (worker.js, matcalc compiled to
// WebAssembly) with the same arguments as the command line, and shows what it prints:
// the derivatives rendered by KaTeX, the diagnostic with its line and column, and on
// request the steps, the Hessian, numbers, the finite-difference check and code.
// The URL's fragment holds the model and the options, so a link reproduces the page.
'use strict';

const $ = (id) => document.getElementById(id);
const el = {
  model: $('model'), backdrop: $('model-backdrop'), wrt: $('wrt'), of: $('of'), layout: $('layout'),
  derive: $('derive'), share: $('share'), status: $('status'), error: $('error'), result: $('result'),
  examples: $('examples'),
  stepsPanel: $('steps-panel'), steps: $('steps'),
  hessianPanel: $('hessian-panel'), hessian: $('hessian'),
  valuesPanel: $('values-panel'), values: $('values'), valuesError: $('values-error'),
  numbers: $('numbers'), randomValues: $('random-values'), runCheck: $('run-check'), check: $('check'),
  codePanel: $('code-panel'), codeLang: $('code-lang'), code: $('code'),
  copyCode: $('copy-code'), downloadCode: $('download-code'), version: $('version'),
  answerPanel: $('answer-panel'), claim: $('claim'), claimWrt: $('claim-wrt'), checkClaim: $('check-claim'),
  claimResult: $('claim-result'),
};

// Timings for the browser test and for curious users (window.matcalcTimings).
const timings = { firstResultMs: null, lastUpdateMs: null, updates: 0 };
window.matcalcTimings = timings;

// ------------------------------------------------------------------ the engine

const kTimeoutMs = 20000;  // a derivation that takes longer is stopped
let worker = null;
let nextId = 1;
const pending = new Map();

function startWorker() {
  worker = window.matcalcWorker || new Worker('worker.js');
  window.matcalcWorker = null;
  worker.onmessage = (event) => {
    if (event.data.marks) {  // the engine's start-up, on this page's clock
      timings.engine = Object.fromEntries(Object.entries(event.data.marks)
        .map(([k, v]) => [k, Math.round(v - performance.timeOrigin)]));
      return;
    }
    const { id, reply } = event.data;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(reply);
  };
}

// Calls the engine: fn is 'run' (args: the command line's arguments), 'variables' or
// 'example_values'. Resolves to {status, out, err}; never rejects.
function engine(fn, ...args) {
  return new Promise((resolve) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      // Stop the runaway derivation: a new worker serves the next request, and every
      // request the old one held is answered with the same error.
      worker.terminate();
      const message = { status: 2, out: '', err: `-e: error: stopped after ${kTimeoutMs / 1000} s: the model is too large for the browser\n` };
      for (const [, p] of pending) { clearTimeout(p.timer); p.resolve(message); }
      pending.clear();
      startWorker();
    }, kTimeoutMs);
    pending.set(id, { resolve, timer });
    worker.postMessage({ id, fn, args });
  });
}
const cli = (...args) => engine('run', args);

// ------------------------------------------------------------------ small helpers

// KaTeX's HTML for a formula, kept for the formulas seen last: while one types, most
// labels (∂f/∂w =) and often some derivatives stay the same.
const rendered = new Map();
function katexHtml(tex, display) {
  const key = `${display ? 'D' : 'I'}${tex}`;
  let html = rendered.get(key);
  if (html === undefined) {
    html = window.katex.renderToString(tex, { displayMode: display, throwOnError: true, output: 'htmlAndMathml' });
    if (rendered.size >= 500) rendered.delete(rendered.keys().next().value);
  } else {
    rendered.delete(key);  // most recently used last
  }
  rendered.set(key, html);
  return html;
}

function katexInto(node, tex, display = true) {
  try {
    node.innerHTML = katexHtml(tex, display);
  } catch (e) {
    // A formula KaTeX cannot read is shown as its TeX (and is a bug to report).
    node.textContent = tex;
    node.title = String(e.message || e);
  }
}

// The engine's diagnostics name the model "-e" (the command line's name for text given
// with -e); on the page it is the model.
const forPage = (text) => text.replace(/^-e(?=:)/gm, 'model');

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  if (button) {
    const label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = label; }, 1200);
  }
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function button(label, title, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

// Numbers as the page shows them: at most 6 significant digits (the full values are in
// the JSON the command line prints: `--at ... --format json`).
function num(x) {
  if (typeof x !== 'number') return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const s = x.toPrecision(6);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e') : s.replace(/\.?0+$/, '');
}

function valueTex(v) {
  if (typeof v === 'number') return num(v).replace(/e([-+]?\d+)/, ' \\times 10^{$1}');
  if (!Array.isArray(v)) return String(v);
  const rows = Array.isArray(v[0]) ? v : v.map((x) => [x]);
  return `\\begin{bmatrix}${rows.map((r) => r.map(valueTex).join(' & ')).join(' \\\\ ')}\\end{bmatrix}`;
}

// ------------------------------------------------------------------ errors in the model

// Underlines the diagnostic's place in the model: a backdrop behind the (transparent)
// textarea holds the same text with the span marked. The span starts at line:column
// (columns in code points, as matcalc counts them) and is as wide as the caret line.
function markError(diagnostic) {
  const text = el.model.value;
  el.backdrop.textContent = '';
  const m = diagnostic && diagnostic.match(/^model:(\d+):(\d+): error/m);
  if (!m) { el.backdrop.textContent = text + '\n'; return; }
  const line = Number(m[1]), column = Number(m[2]);
  const caret = diagnostic.match(/^\s*(\^[~^]*)\s*$/m);
  const width = caret ? [...caret[1]].length : 1;
  const lines = text.split('\n');
  let offset = 0;  // in code points
  for (let i = 0; i < line - 1 && i < lines.length; ++i) offset += [...lines[i]].length + 1;
  offset += column - 1;
  const chars = [...text];
  const before = chars.slice(0, offset).join('');
  const marked = chars.slice(offset, offset + width).join('') || ' ';
  const after = chars.slice(offset + width).join('');
  const mark = document.createElement('mark');
  mark.textContent = marked;
  el.backdrop.append(before, mark, after + '\n');
  syncScroll();
}

function syncScroll() {
  el.backdrop.scrollTop = el.model.scrollTop;
  el.backdrop.scrollLeft = el.model.scrollLeft;
}

function showError(diagnostic) {
  const text = diagnostic ? forPage(diagnostic).replace(/\n+$/, '') : '';
  el.error.textContent = text;
  el.model.setAttribute('aria-invalid', text ? 'true' : 'false');
  markError(text);
}

// ------------------------------------------------------------------ the URL's fragment

function saveFragment() {
  const p = new URLSearchParams();
  p.set('model', el.model.value);
  if (el.wrt.value.trim()) p.set('wrt', el.wrt.value.trim());
  if (el.of.value.trim()) p.set('of', el.of.value.trim());
  if (el.layout.value !== 'numerator') p.set('layout', el.layout.value);
  if (el.values.value.trim()) p.set('values', el.values.value.trim());
  const open = ['steps', 'hessian', 'values', 'code'].filter((k) => el[`${k}Panel`].open);
  if (open.length) p.set('open', open.join(','));
  if (el.codeLang.value !== 'cpp') p.set('lang', el.codeLang.value);
  history.replaceState(null, '', `#${p.toString()}`);
}

function loadFragment() {
  const hash = location.hash.replace(/^#/, '');
  if (!hash) return false;
  const p = new URLSearchParams(hash);
  if (!p.has('model')) return false;
  el.model.value = p.get('model');
  el.wrt.value = p.get('wrt') || '';
  el.of.value = p.get('of') || '';
  el.layout.value = p.get('layout') === 'denominator' ? 'denominator' : 'numerator';
  el.values.value = p.get('values') || '';
  if (p.get('lang')) el.codeLang.value = p.get('lang');
  for (const k of (p.get('open') || '').split(',')) if (el[`${k}Panel`]) el[`${k}Panel`].open = true;
  return true;
}

// ------------------------------------------------------------------ deriving

let current = null;  // what the last successful derivation was of: {wrt, names, json}

// One row of a result: the label (∂f/∂w =), the formula rendered by KaTeX in an element of
// class `kind` with data-wrt (what tests and users read back), its shape, and buttons that
// copy its LaTeX and its text.
function resultRow({ label, kind, wrt, latex, unicode, shape, what }) {
  const row = document.createElement('div');
  row.className = 'result-row';
  const lhs = document.createElement('div');
  lhs.className = 'lhs';
  katexInto(lhs, label);
  const value = document.createElement('div');
  value.className = kind;
  value.dataset.wrt = wrt;
  katexInto(value, latex);
  const meta = document.createElement('div');
  meta.className = 'meta';
  const size = document.createElement('span');
  size.className = 'shape';
  size.textContent = shape.join(' × ');
  size.title = `the shape of ${what}`;
  meta.append(size,
    button('LaTeX', `copy ${what} as LaTeX`, (e) => copyText(latex, e.target)),
    button('Text', `copy ${what} as text`, (e) => copyText(unicode, e.target)));
  row.append(lhs, value, meta);
  return row;
}

// The derivatives' labels by variable, as last rendered: the Hessian's label is made from
// them, so that names read the same (W_{2}, \\mathbf{b}_{1}, \\hat{y}).
const labels = new Map();

// ∂²f/∂x² from the label ∂f/∂x (names as matcalc writes them in LaTeX).
function hessianLabel(wrt, of) {
  const m = (labels.get(wrt) || '').match(/^\\frac\{\\partial (.*)\}\{\\partial (.*)\} =$/);
  return m ? `\\frac{\\partial^2 ${m[1]}}{\\partial ${m[2]}^2} =` : `\\frac{\\partial^2 \\mathrm{${of}}}{\\partial \\mathrm{${wrt}}^2} =`;
}

function renderResult(json, latexLines) {
  el.result.textContent = '';
  el.result.classList.remove('stale');
  labels.clear();
  let from = 0;
  json.derivatives.forEach((d) => {
    // The label as the command line's LaTeX writes it; its line is the next that ends in
    // the formula (named quantities, `where δ₁ = …`, add lines of their own).
    const suffix = ` = ${d.latex}`;
    const at = latexLines.findIndex((l, k) => k >= from && l.endsWith(suffix));
    if (at >= 0) from = at + 1;
    const line = at >= 0 ? latexLines[at] : '';
    const label = line.endsWith(suffix) ? `${line.slice(0, -suffix.length)} =` : `\\frac{\\partial ${json.of}}{\\partial ${d.wrt}} =`;
    labels.set(d.wrt, label);
    el.result.append(resultRow({ label, kind: 'derivative', wrt: d.wrt, latex: d.latex, unicode: d.unicode,
                                 shape: d.shape, what: `∂${json.of}/∂${d.wrt}` }));
    // The subexpressions it repeats, written once under a name.
    for (const q of d.named || []) {
      el.result.append(resultRow({ label: `\\text{where } ${q.latex_name} =`, kind: 'named', wrt: d.wrt,
                                   latex: q.latex, unicode: `${q.unicode_name} = ${q.unicode}`, shape: q.shape,
                                   what: q.unicode_name }));
    }
  });
  if (!json.derivatives.length) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = `${json.of} depends on no declared variable.`;
    el.result.append(p);
  }
}

let busy = false;
let again = false;

// One update of everything on the page from the inputs. Typing while an update runs
// asks for one more after it (never a queue of stale ones).
async function update() {
  if (busy) { again = true; return; }
  busy = true;
  const started = performance.now();
  try {
    saveFragment();
    const typed = el.wrt.value.split(',').map((x) => x.trim()).filter(Boolean);
    if (timings.firstRequestMs === undefined) timings.firstRequestMs = Math.round(started);
    const reply = await engine('derive', el.model.value, el.of.value.trim(), typed, ['--layout', el.layout.value]);
    if (timings.firstReplyMs === undefined) timings.firstReplyMs = Math.round(performance.now());
    if (reply.status !== 0) { showError(reply.err); el.result.classList.add('stale'); return; }
    showError('');
    if (!reply.names.length) {
      current = null;
      renderResult({ of: el.of.value.trim() || 'the function', derivatives: [] }, []);
      return;
    }
    const json = reply, latex = { out: reply.latex }, args = reply.args;
    const parsed = JSON.parse(json.out);
    current = { names: reply.names, json: parsed, args };
    renderResult(parsed, latex.out.split('\n'));
    timings.lastUpdateMs = performance.now() - started;
    timings.updates += 1;
    if (timings.firstResultMs === null) timings.firstResultMs = performance.now();
    el.status.textContent = `${timings.lastUpdateMs.toFixed(1)} ms`;
    await updatePanels();
  } finally {
    busy = false;
    if (again) {
      again = false;
      update();
    } else if (window.matcalcAfterUpdate) {
      // A hook for the browser test, which times typing from inside the page.
      const done = window.matcalcAfterUpdate;
      window.matcalcAfterUpdate = null;
      done();
    }
  }
}

// ------------------------------------------------------------------ the panels

// Steps: `derive --steps --format latex`, one align* block per variable.
async function updateSteps() {
  if (!el.stepsPanel.open || !current) return;
  const reply = await cli('derive', ...current.args, '--steps', '--format', 'latex');
  el.steps.textContent = '';
  if (reply.status !== 0) { el.steps.textContent = forPage(reply.err); return; }
  const blocks = reply.out.split(/(?<=\\end\{align\*\})\n+/).map((b) => b.trim()).filter(Boolean);
  for (const block of blocks) {
    const div = document.createElement('div');
    div.className = 'steps-block';
    katexInto(div, block);
    el.steps.append(div);
  }
  const copy = button('Copy LaTeX', 'copy the derivation as LaTeX', (e) => copyText(reply.out, e.target));
  el.steps.append(copy);
}

async function updateHessian() {
  if (!el.hessianPanel.open || !current) return;
  const reply = await cli('derive', ...current.args, '--hessian', '--format', 'json');
  el.hessian.textContent = '';
  if (reply.status !== 0) { el.hessian.textContent = forPage(reply.err); return; }
  const json = JSON.parse(reply.out);
  for (const d of json.derivatives)
    el.hessian.append(resultRow({ label: hessianLabel(d.wrt, json.of), kind: 'hessian', wrt: d.wrt,
                                  latex: d.hessian_latex, unicode: d.hessian_unicode, shape: d.hessian_shape,
                                  what: `∂²${json.of}/∂${d.wrt}²` }));
}

async function fillRandomValues(seed) {
  const reply = await engine('example_values', el.model.value, el.of.value.trim(), seed);
  if (reply.status !== 0) { el.valuesError.textContent = forPage(reply.err); return false; }
  el.values.value = reply.out;
  return true;
}

async function updateNumbers() {
  if (!el.valuesPanel.open || !current) return;
  if (!el.values.value.trim() && !(await fillRandomValues(1))) return;
  const reply = await cli('derive', ...current.args, '--at', el.values.value, '--format', 'json');
  el.numbers.textContent = '';
  el.valuesError.textContent = reply.status === 0 ? '' : reply.err.replace(/^--at(?=:)/gm, 'values').replace(/\n+$/, '');
  if (reply.status !== 0) return;
  const json = JSON.parse(reply.out);
  const add = (lhs, v) => {
    const row = document.createElement('div');
    row.className = 'number-row';
    katexInto(row, `${lhs} = ${valueTex(v)}`);
    el.numbers.append(row);
  };
  add(json.of, json.value);
  for (const d of json.derivatives) add(`\\frac{\\partial ${json.of}}{\\partial ${d.wrt}}`, d.gradient !== undefined ? d.gradient : d.jacobian);
}

async function runCheck() {
  if (!current) return;
  el.check.textContent = 'checking…';
  const args = [...current.args];
  const layout = args.indexOf('--layout');
  if (layout >= 0) args.splice(layout, 2);  // check compares the numerator layout
  if (el.values.value.trim()) args.push('--at', el.values.value);
  const reply = await cli('check', ...args);
  el.check.textContent = forPage(reply.out + reply.err).replace(/^--at(?=:)/gm, 'values');
  el.check.className = `output ${reply.status === 0 ? 'ok' : 'failed'}`;
}

// "Check my answer": `matcalc compare` for the claim typed, with respect to one of the
// variables derived; its text (the verdict, the slip, the point and both values) as it is.
function fillClaimWrt() {
  const names = current ? current.names : [];
  const keep = el.claimWrt.value;
  el.claimWrt.replaceChildren(...names.map((n) => {
    const o = document.createElement('option');
    o.value = n;
    o.textContent = `∂/∂${n}`;
    return o;
  }));
  if (names.includes(keep)) el.claimWrt.value = keep;
}

async function checkClaim() {
  if (!current || !el.claimWrt.value || !el.claim.value.trim()) {
    el.claimResult.textContent = '';
    el.claimResult.className = 'output';
    return;
  }
  el.claimResult.textContent = 'comparing…';
  const of = el.of.value.trim();
  const reply = await cli('compare', '-e', el.model.value, ...(of ? ['--of', of] : []), '--wrt', el.claimWrt.value,
    '--claim', el.claim.value);
  el.claimResult.textContent = forPage(reply.out + reply.err).replace(/^--claim(?=:)/gm, 'answer');
  el.claimResult.className = `output ${reply.status === 0 ? 'ok' : 'failed'}`;
}

let lastCode = { name: 'matcalc.hpp', text: '' };
async function updateCode() {
  if (!el.codePanel.open || !current) return;
  const lang = el.codeLang.value;
  const args = [...current.args];
  const layout = args.indexOf('--layout');
  if (layout >= 0) args.splice(layout, 2);  // generated code returns numerator-layout results
  const reply = await cli('codegen', ...args, '--lang', lang);
  el.code.textContent = reply.status === 0 ? reply.out : forPage(reply.err);
  const base = current.json.of || 'matcalc';
  lastCode = { name: lang === 'cpp' ? `${base}_gradients.hpp` : `${base}_gradients.py`, text: reply.status === 0 ? reply.out : '' };
}

async function updatePanels() {
  fillClaimWrt();
  await Promise.all([updateSteps(), updateHessian(), updateNumbers(), updateCode()]);
}

// ------------------------------------------------------------------ examples

function fillExamples() {
  const groups = new Map();
  for (const [i, ex] of (window.MATCALC_EXAMPLES || []).entries()) {
    if (!groups.has(ex.group)) {
      const g = document.createElement('optgroup');
      g.label = ex.group;
      groups.set(ex.group, g);
      el.examples.append(g);
    }
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = ex.title;
    groups.get(ex.group).append(o);
  }
}

function pickExample() {
  const ex = (window.MATCALC_EXAMPLES || [])[Number(el.examples.value)];
  if (!ex || el.examples.value === '') return;
  el.model.value = ex.model;
  el.wrt.value = ex.wrt.join(', ');
  el.of.value = '';
  el.values.value = ex.values ? ex.values.trim() : '';
  el.check.textContent = '';
  update();
}

// ------------------------------------------------------------------ wiring

function init() {
  startWorker();
  fillExamples();
  loadFragment();
  markError('');
  for (const input of [el.model, el.wrt, el.of]) input.addEventListener('input', update);
  el.layout.addEventListener('change', update);
  el.values.addEventListener('input', () => { saveFragment(); updateNumbers(); });
  el.model.addEventListener('scroll', syncScroll);
  el.derive.addEventListener('click', update);
  el.examples.addEventListener('change', pickExample);
  el.share.addEventListener('click', (e) => { saveFragment(); copyText(location.href, e.target); });
  for (const [panel, fn] of [[el.stepsPanel, updateSteps], [el.hessianPanel, updateHessian], [el.valuesPanel, updateNumbers], [el.codePanel, updateCode]])
    panel.addEventListener('toggle', () => { saveFragment(); fn(); });
  el.randomValues.addEventListener('click', async () => {
    el.valuesError.textContent = '';
    if (await fillRandomValues(Math.floor(Math.random() * 2 ** 31))) { saveFragment(); updateNumbers(); }
  });
  el.runCheck.addEventListener('click', runCheck);
  el.checkClaim.addEventListener('click', checkClaim);
  el.claim.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); checkClaim(); } });
  el.codeLang.addEventListener('change', () => { saveFragment(); updateCode(); });
  el.copyCode.addEventListener('click', (e) => copyText(lastCode.text, e.target));
  el.downloadCode.addEventListener('click', () => download(lastCode.name, lastCode.text));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); update(); }
  });
  window.addEventListener('hashchange', () => { if (loadFragment()) update(); });
  cli('--version').then((r) => { el.version.textContent = r.out.replace(/^matcalc\s*/, '').trim(); });
  update();
}

init();
