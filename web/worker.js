// The engine in a worker, so that the page stays responsive however long a derivation
// takes, and a runaway one can be stopped (app.js terminates the worker and starts
// another). Messages: {id, fn: 'run' | 'variables' | 'example_values' | 'derive', args} in,
// {id, reply: {status, out, err}} out.
'use strict';
importScripts('matcalc.js');

// A few derivations once the page's first request is answered: the first calls of the
// engine's paths are the slow ones (the JavaScript engine compiles them then), and later
// requests should not pay for that. Not before it: the page asks for its first derivative
// while the engine is still being compiled, and a warm-up then only delays it (by 0.4 s
// of a 1.5 s first derivative on a busy machine, docs/workbench.md).
function warmUp(m) {
  m.variables('w, x : vector(n)\nb : scalar\nf = max(0, w·x + b)', '');
  for (const format of ['json', 'latex'])
    m.run(['derive', '-e', 'w, x : vector(n)\nb : scalar\nf = σ(w·x + b)', '--wrt', 'w', '--format', format]);
}

// When the engine was compiled and warmed, on the page's clock (performance.timeOrigin
// differs between a worker and its page): window.matcalcTimings.engine.
const since = () => performance.timeOrigin + performance.now();
const marks = { scriptMs: since() };
const start = () => createMatcalc().then((m) => {
  marks.instantiatedMs = since();
  return m;
});
let engine = start();
let warm = false;
function warmAfterReply(m) {
  if (warm) return;
  warm = true;
  setTimeout(() => {
    try {
      warmUp(m);
    } catch (e) {  // as a request's trap: a fresh instance for the next request
      engine = start();
    }
    marks.warmedMs = since();
    postMessage({ marks });
  }, 0);
}

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
    engine = start();
    warm = false;
  }
  postMessage({ id, reply });
  engine.then(warmAfterReply);
};
