// The WebAssembly engine against the native command line, byte for byte: every example
// model of the repository through derive (every format, steps, Hessian, numbers), eval and
// codegen, and malformed models and options through their diagnostics. `check` runs in
// both and must pass in both, but its random points differ (the standard library's
// distributions differ between libc++ and libstdc++), so only its exit code is compared.
//
//   node tests/web/test_node.js [SITE] [NATIVE_MATCALC]
//
// Defaults: build-web/site and build/matcalc. Exit 0 when everything agrees.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const site = path.resolve(process.argv[2] || path.join(root, 'build-web', 'site'));
const native = path.resolve(process.argv[3] || path.join(root, 'build', 'matcalc'));

function nativeRun(args) {
  const r = spawnSync(native, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const models = [];
for (const folder of ['examples/lecture', 'examples/cookbook']) {
  for (const f of fs.readdirSync(path.join(root, folder)).filter((x) => x.endsWith('.mc')).sort()) {
    const file = path.join(root, folder, f);
    const valuesFile = file.replace(/\.mc$/, '.json');
    models.push({ name: `${folder}/${f}`, text: fs.readFileSync(file, 'utf8'),
                  values: fs.existsSync(valuesFile) ? fs.readFileSync(valuesFile, 'utf8') : null });
  }
}

// Inputs that must fail the same way in both: syntax, names, sizes, values, options.
const malformed = [
  ['derive', '-e', 'w, x : vector(n); b : scalar; f = max(0, w*x + b)', '--wrt', 'w'],
  ['derive', '-e', 'w, x : vector(n); b : scalar; f = max(0, w·x +', '--wrt', 'w'],
  ['derive', '-e', 'x : scalar; f = sigmod(x)', '--wrt', 'x'],
  ['derive', '-e', 'x : scalar; f = x', '--wrt', 'y'],
  ['derive', '-e', 'x : vector(n); y : vector(m); f = x + y', '--wrt', 'x'],
  ['derive', '-e', 'x : scalar\nf = (x + 1', '--wrt', 'x'],
  ['derive', '-e', 'x : scalar; f = ' + '('.repeat(300) + 'x' + ')'.repeat(300), '--wrt', 'x'],
  ['derive', '-e', 'x : scalar; f = x ¤ 2', '--wrt', 'x'],
  ['derive', '-e', 'x : scalar; f = x', '--wrt', 'x', '--format', 'yaml'],
  ['derive', '-e', 'x : scalar; f = x', '--wrt', 'x', '--bogus'],
  ['derive', '-e', 'x : vector(n); f = sum(x)', '--wrt', 'x', '--at', '{"x": [1, 2'],
  ['derive', '-e', 'x : vector(n); f = sum(x)', '--wrt', 'x', '--at', '{"x": [[1, 2], [3]]}'],
  ['eval', '-e', 'x : vector(n); y : vector(n); f = x·y', '--at', '{"x": [1, 2], "y": [1, 2, 3]}'],
  ['codegen', '-e', 'x : scalar; f = x', '--wrt', 'x', '--lang', 'fortran'],
  ['derive'],
  ['nonsense'],
  ['help', 'derive'],
  ['help', 'functions'],
  ['--version'],
];

// Two things make a number differ in its last bits, and only there: the order in which
// Eigen adds up a product's terms (natively its SSE2 kernels add pairs of lanes; Eigen
// 3.4 has no WebAssembly SIMD, so there it adds one term at a time), and the elementary
// functions (exp, log, tanh), which come from the C library, glibc's natively and musl's
// in emscripten's build: both within an ulp of the true value, not always the same ulp. This returns
// how many numbers differ that way when the texts are otherwise the same (0 if they are
// not): the text between the numbers must be identical and each number within 4 ulps, or
// within 1e-12 of each other (relative) where the model inverts a matrix: an inverse
// multiplies those differences by the matrix's condition number, and a derivative through
// two inverses by its square (ridge.mc's w shows 21 ulps, its derivatives more).
const numberPattern = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;
function ulpsApart(x, y) {
  const f = new Float64Array([x, y]);
  const i = new BigInt64Array(f.buffer);
  if (Math.sign(x) !== Math.sign(y)) return Infinity;
  const d = i[0] - i[1];
  return Number(d < 0n ? -d : d);
}
function sameButLastBits(a, b, inverts) {
  if (a.replace(numberPattern, '#') !== b.replace(numberPattern, '#')) return 0;
  const na = a.match(numberPattern) || [], nb = b.match(numberPattern) || [];
  let differing = 0;
  for (let k = 0; k < na.length; ++k) {
    if (na[k] === nb[k]) continue;
    const x = Number(na[k]), y = Number(nb[k]);
    if (inverts ? Math.abs(x - y) > 1e-12 * Math.max(Math.abs(x), Math.abs(y)) : ulpsApart(x, y) > 4) return 0;
    differing += 1;
  }
  return differing;
}

(async () => {
  const createMatcalc = require(path.join(site, 'matcalc.js'));
  // Node's fetch breaks the 3.1.6 loader outside browsers: hand it the bytes.
  const wasm = await createMatcalc({ wasmBinary: fs.readFileSync(path.join(site, 'matcalc.wasm')) });
  const web = (args) => wasm.run(args);

  let compared = 0;
  const lastBitsIn = new Set();
  let lastBits = 0;  // numbers that differ in their last bits only (see ulpsApart)
  const failures = [];
  const same = (args, what) => {
    const a = web(args);
    const b = nativeRun(args);
    compared += 1;
    for (const k of ['status', 'out', 'err']) {
      const inverts = args.some((x) => /\binv\(|⁻¹/.test(x));
      if (a[k] !== b[k] && k === 'out' && sameButLastBits(a[k], b[k], inverts)) { lastBits += sameButLastBits(a[k], b[k], inverts); lastBitsIn.add(what); continue; }
      if (a[k] !== b[k]) {
        let at = 0;
        while (at < a[k].length && a[k][at] === b[k][at]) ++at;
        const around = (t) => JSON.stringify(t.slice(Math.max(0, at - 80), at + 80));
        failures.push(`${what}: ${k} differs for matcalc ${args.map((x) => (x.length > 60 ? x.slice(0, 57) + '...' : x)).join(' ')}\n` +
                      `  from byte ${at}:\n  wasm:   ${around(a[k])}\n  native: ${around(b[k])}`);
        return a;
      }
    }
    return a;
  };

  for (const m of models) {
    const vars = wasm.variables(m.text, '');
    if (vars.status !== 0) { failures.push(`${m.name}: variables: ${vars.err}`); continue; }
    const names = JSON.parse(vars.out);
    if (!names.length) continue;
    const wrt = names.flatMap((n) => ['--wrt', n]);
    const model = ['-e', m.text];
    for (const format of ['text', 'unicode', 'latex', 'json']) same(['derive', ...model, ...wrt, '--format', format], m.name);
    same(['derive', ...model, ...wrt, '--layout', 'denominator'], m.name);
    same(['derive', ...model, ...wrt, '--expand', '--format', 'json'], m.name);
    for (const n of names) {
      same(['derive', ...model, '--wrt', n, '--steps'], m.name);
      same(['derive', ...model, '--wrt', n, '--steps', '--format', 'latex'], m.name);
    }
    same(['derive', ...model, ...wrt, '--hessian', '--format', 'json'], m.name);
    for (const lang of ['cpp', 'numpy']) same(['codegen', ...model, ...wrt, '--lang', lang], m.name);
    let values = m.values;
    if (!values) {
      const ex = wasm.example_values(m.text, '', 1);
      if (ex.status !== 0) { failures.push(`${m.name}: example_values: ${ex.err}`); continue; }
      values = ex.out;
    }
    same(['derive', ...model, ...wrt, '--at', values, '--format', 'json'], m.name);
    same(['derive', ...model, ...wrt, '--hessian', '--at', values, '--format', 'json'], m.name);
    same(['eval', ...model, '--at', values], m.name);
    same(['eval', ...model, '--at', values, '--format', 'json'], m.name);
    // check: the same verdict (its random points differ, see above).
    const checkArgs = ['check', ...model, ...wrt, '--at', values];
    const a = web(checkArgs), b = nativeRun(checkArgs);
    compared += 1;
    if (a.status !== b.status) failures.push(`${m.name}: check exits ${a.status} in wasm, ${b.status} natively\n${a.out}${a.err}`);
  }
  for (const args of malformed) same(args, 'malformed');

  // compare: byte for byte where no random point is drawn (equal symbolically, malformed or
  // misshapen claims); where points are drawn, the same verdict (their values differ).
  const neuron = ['-e', 'w, a : vector(k); w0, y : scalar; z = w·a + w0; yhat = σ(z); L = bce(yhat, y)', '--wrt', 'w'];
  for (const claim of ['(yhat - y) a', '(σ(z) − y) aᵀ', '(yhat - y) q', '[a; a]', 'a +'])
    same(['compare', ...neuron, '--claim', claim], 'compare');
  same(['compare', ...neuron, '--claim', '(yhat - y) a', '--format', 'json'], 'compare');
  for (const [claim, status] of [['(y - yhat) a', 1], ['2(yhat - y) a', 1], ['σ(z)(1 - σ(z)) (yhat - y) a / (yhat (1 - yhat))', 0]]) {
    const args = ['compare', ...neuron, '--claim', claim, '--format', 'json'];
    const a = web(args), b = nativeRun(args);
    compared += 1;
    if (a.status !== status || b.status !== status ||
        (status === 1 && JSON.parse(a.out).diagnosis !== JSON.parse(b.out).diagnosis))
      failures.push(`compare ${claim}: exits ${a.status} in wasm, ${b.status} natively\n${a.out}${b.out}`);
  }

  // The page's helpers: variables of the function only, example values that load.
  const relu = 'w, x, unused : vector(n); b : scalar; f = max(0, w·x + b)';
  const vars = wasm.variables(relu, '');
  if (vars.out !== '["w", "x", "b"]') failures.push(`variables: ${JSON.stringify(vars)}`);
  const bad = wasm.variables('x : scalar; f = (x', '');
  if (bad.status !== 2 || !bad.err.startsWith('-e:1:19: error:')) failures.push(`variables of a bad model: ${JSON.stringify(bad)}`);
  const ex = wasm.example_values('x : vector(n); f = sum(log(x))', '', 7);
  const at = web(['eval', '-e', 'x : vector(n); f = sum(log(x))', '--at', ex.out]);
  if (ex.status !== 0 || at.status !== 0 || !/^f = -?\d/.test(at.out)) failures.push(`example values where log needs x > 0: ${JSON.stringify([ex, at])}`);

  // The engine answers (never traps) for a model as deep as the limits allow.
  const deep = 'x : scalar; f = ' + 'sin('.repeat(199) + 'x' + ')'.repeat(199);
  const r = web(['derive', '-e', deep, '--wrt', 'x']);
  if (r.status !== 0) failures.push(`199 nested calls: ${r.err.slice(0, 200)}`);

  // Speed: a derivation of the 1-2-3-1 network's loss, as the page asks for it.
  const mlp = fs.readFileSync(path.join(root, 'examples/lecture/mlp_1231.mc'), 'utf8');
  const args = ['derive', '-e', mlp, '--wrt', 'W1', '--wrt', 'W2', '--wrt', 'W3', '--format', 'json'];
  for (let i = 0; i < 5; ++i) web(args);
  const t0 = process.hrtime.bigint();
  const runs = 50;
  for (let i = 0; i < runs; ++i) web(args);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;

  console.log(`${compared} runs compared with ${native}: ${failures.length} differences`);
  console.log(`${lastBits} numbers differ in their last bits only (the order of sums; the C libraries' exp, log, tanh), in ${[...lastBitsIn].join(', ')}`);
  console.log(`derive of mlp_1231 (W1, W2, W3, json) in node: ${ms.toFixed(2)} ms`);
  if (failures.length) {
    for (const f of failures.slice(0, 20)) console.log(`FAIL ${f}`);
    process.exit(1);
  }
  console.log('the WebAssembly engine agrees with the native command line');
})().catch((e) => { console.error(e); process.exit(1); });
