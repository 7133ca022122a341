import { parseVta } from '../core/lang/parser';
import { isWellFormedRange } from '../core/lang/findings';
const cases = ['data a : inp[4', 'data a : inp 4]', 'data a : inp[4] = random(seed=1', 'data a : inp[4] = [1, 2', 'data a : inp[4] = random(', 'data a : inp[4] @', 'data a : inp[4] = file("x"', 'data a : inp[4] = zeros(', 'data a : inp[]', 'data a :', 'data a', 'data a : inp[4] = [1,', 'for i in 0..2 {\n data a : inp[4\n}', 'if 1 {\n  data a : inp[4] =\n}', 'kernel k(a, {\n}', 'kernel k @ { uop dst=0 src=0 }', 'const A = ', 'const = 1'];
const walk = (ss: any[], out: any[]) => { for (const s of ss) { if (!s) continue; out.push([s.kind, s.range, s.name?.range]); for (const b of [s.body, s.then, s.else]) if (Array.isArray(b)) walk(b, out); } };
for (const t of cases) {
  for (const src of [t + '\n  finish\n', 'target default\n' + t + '\n']) {
    const ast = parseVta(src);
    const all: any[] = []; walk(ast.statements, all);
    const bad = all.filter(([k, r, n]) => !isWellFormedRange(r) || (n && !isWellFormedRange(n)));
    const badErr = ast.errors.filter((e) => !isWellFormedRange(e.range));
    if (bad.length || badErr.length) console.log(JSON.stringify(src), JSON.stringify(bad), JSON.stringify(badErr));
  }
}
console.log('done');
