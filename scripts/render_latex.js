// Renders LaTeX from stdin with Debian's KaTeX into a standalone HTML page.
// Usage: node scripts/render_latex.js OUT.html [TITLE] < formula.tex
// Prints "W,H", a generous browser window size for the page, on stdout.
// Used by scripts/render-latex.sh; see docs/README.md.
'use strict';
const fs = require('fs');
const katex = require('/usr/share/nodejs/katex');

const [out, title] = process.argv.slice(2);
if (!out) { console.error('usage: render_latex.js OUT.html [TITLE] < formula.tex'); process.exit(2); }
// Display blocks: $$...$$ pieces, or lines, but a line break inside {...} or an environment
// (align*, cases, bmatrix) continues the block. So matcalc's one-equation-per-line output
// becomes a stack of equations, and an align* block stays one piece.
const blocks = [];
let cur = '';
for (const line of fs.readFileSync(0, 'utf8').replace(/\$\$|^\s*\\\[|\\\]\s*$/g, '\n').split('\n')) {
  cur += line + '\n';
  const count = (re) => (cur.match(re) || []).length;
  if (count(/(?<!\\)\{/g) > count(/(?<!\\)\}/g) || count(/\\begin\{/g) > count(/\\end\{/g)) continue;
  if (cur.trim()) blocks.push(cur.trim());
  cur = '';
}
if (cur.trim()) blocks.push(cur.trim());
if (!blocks.length) { console.error('render_latex: empty input'); process.exit(1); }

let math = '';
for (const [i, tex] of blocks.entries()) {
  try {
    math += katex.renderToString(tex, { displayMode: true, throwOnError: true, strict: 'error' });
  } catch (e) {
    console.error(`render_latex: ${blocks.length > 1 ? `block ${i + 1}: ` : ''}${e.message}`);
    process.exit(1);
  }
}
const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const css = 'file:///usr/share/javascript/katex/katex.min.css';
fs.writeFileSync(out, `<!DOCTYPE html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="${css}">
<style>
  html, body { margin: 0; background: #fff; color: #000; }
  body { padding: 16px; font-size: 20px; }
  #box { display: inline-block; }  /* as wide as its content: title and math stay together */
  #title { font: 600 18px sans-serif; margin-bottom: 8px; }
  .katex-display { margin: 0 0 8px; }
</style></head>
<body><div id="box">${title ? `<div id="title">${esc(title)}</div>` : ''}${math}</div></body></html>
`);
// One row per line break (align*, cases, matrices); fractions make rows tall.
const text = blocks.join('');
const rows = (text.match(/\\\\/g) || []).length + blocks.length + (title ? 1 : 0);
console.log(`${Math.max(1200, Math.round(4 * text.length / rows))},${120 + 90 * rows}`);
