// Renders LaTeX strings with KaTeX (Debian's katex package) and reports every one that
// fails. Input on stdin: one JSON string per line. Exit 0 when all render, 1 otherwise,
// 2 when KaTeX cannot be loaded. Used by tests/test_katex.cpp.
'use strict';
let katex;
try {
    katex = require('/usr/share/nodejs/katex');
} catch (e) {
    console.error('katex_check: cannot load /usr/share/nodejs/katex (apt-get install katex): ' + e.message);
    process.exit(2);
}
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
let failed = 0;
for (const line of lines) {
    const tex = JSON.parse(line);
    try {
        katex.renderToString(tex, {displayMode: true, throwOnError: true, strict: 'error'});
    } catch (e) {
        failed++;
        console.log('KaTeX error: ' + e.message + '\n  in: ' + tex);
    }
}
console.log(`${lines.length} LaTeX strings, ${failed} failed`);
process.exit(failed ? 1 : 0);
