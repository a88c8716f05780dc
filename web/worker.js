// The engine in a worker, so that the page stays responsive however long a derivation
// takes, and a runaway one can be stopped (app.js terminates the worker and starts
// another). Messages: {id, fn: 'run' | 'variables' | 'example_values', args} in,
// {id, reply: {status, out, err}} out.
'use strict';
importScripts('matcalc.js');

let engine = createMatcalc();

onmessage = async (event) => {
  const { id, fn, args } = event.data;
  let reply;
  try {
    const m = await engine;
    reply = m[fn](...args);
    reply = { status: reply.status, out: reply.out, err: reply.err };
  } catch (e) {
    // A trap (the browser's call stack exhausted by a very deep model, memory exhausted)
    // leaves the module's state undefined: start a fresh instance for the next request.
    const what = e instanceof RangeError
      ? 'the model nests too deeply for the browser\'s stack (the command line derives it)'
      : `the engine stopped: ${e && e.message ? e.message : e}`;
    reply = { status: 2, out: '', err: `-e: error: ${what}\n`, trap: true };
    engine = createMatcalc();
  }
  postMessage({ id, reply });
};
