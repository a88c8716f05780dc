// The engine in a worker, so that the page stays responsive however long a derivation
// takes, and a runaway one can be stopped (app.js terminates the worker and starts
// another). Messages: {id, fn: 'run' | 'variables' | 'example_values' | 'derive', args} in,
// {id, reply: {status, out, err}} out.
'use strict';
importScripts('matcalc.js');

// A first derivation as soon as the engine is there, while the page is still loading:
// the first calls of the engine's paths are the slow ones (the JavaScript engine compiles
// them then), and the page's first real request should not pay for that.
function warmed(m) {
  m.variables('w, x : vector(n)\nb : scalar\nf = max(0, w·x + b)', '');
  for (const format of ['json', 'latex'])
    m.run(['derive', '-e', 'w, x : vector(n)\nb : scalar\nf = σ(w·x + b)', '--wrt', 'w', '--format', format]);
  return m;
}

// When the engine was compiled and warmed, on the page's clock (performance.timeOrigin
// differs between a worker and its page): window.matcalcTimings.engine.
const since = () => performance.timeOrigin + performance.now();
const marks = { scriptMs: since() };
let engine = createMatcalc().then((m) => {
  marks.instantiatedMs = since();
  warmed(m);
  marks.warmedMs = since();
  postMessage({ marks });
  return m;
});

// What the page needs for one update, in one message: the variables (when none are
// typed), then the derivatives as JSON and as LaTeX lines (for the `∂f/∂w =` labels).
const page = {
  derive(m, model, of, typed, extra) {
    let names = typed;
    if (!names.length) {
      const v = m.variables(model, of);
      if (v.status !== 0) return { status: v.status, out: '', err: v.err };
      names = JSON.parse(v.out);
    }
    const args = ['-e', model, ...(of ? ['--of', of] : []), ...names.flatMap((n) => ['--wrt', n]), ...extra];
    if (!names.length) return { status: 0, out: '', err: '', names, args };
    const json = m.run(['derive', ...args, '--format', 'json']);
    if (json.status !== 0) return { status: json.status, out: '', err: json.err, names, args };
    const latex = m.run(['derive', ...args, '--format', 'latex']);
    return { status: 0, out: json.out, err: '', latex: latex.out, names, args };
  },
};

onmessage = async (event) => {
  const { id, fn, args } = event.data;
  let reply;
  try {
    const m = await engine;
    if (page[fn]) {
      reply = page[fn](m, ...args);
    } else {
      reply = m[fn](...args);
      reply = { status: reply.status, out: reply.out, err: reply.err };
    }
  } catch (e) {
    // A trap (the browser's call stack exhausted by a very deep model, memory exhausted)
    // leaves the module's state undefined: start a fresh instance for the next request.
    const what = e instanceof RangeError
      ? 'the model nests too deeply for the browser\'s stack (the command line derives it)'
      : `the engine stopped: ${e && e.message ? e.message : e}`;
    reply = { status: 2, out: '', err: `-e: error: ${what}\n`, trap: true };
    engine = createMatcalc().then(warmed);
  }
  postMessage({ id, reply });
};
