import { parseVta } from '../core/lang/parser';
import { assembleText } from '../core/asm';
import { evaluate } from '../server/dap/expr';
const deepFor = (n: number) => 'target default\n' + Array.from({ length: n }, (_, i) => `for i${i} in 0..1 {`).join('\n') + '\n  nop ld\n' + '}\n'.repeat(n) + '  finish\n';
for (const n of [99, 100, 101, 1000]) {
  const r = assembleText(deepFor(n), { file: 'x.vta' });
  console.log('for', n, r.diagnostics.map((d) => `${d.range.start.line}:${d.code}:${d.message.slice(0, 60)}`), r.program?.insns.length);
}
for (const n of [99, 101, 5000]) {
  const t = `const A = ${'('.repeat(n)}1${')'.repeat(n)}\nconst B = ${'-'.repeat(n)}1\nconst C = ${'-('.repeat(n)}1${')'.repeat(n)}\n`;
  const r = assembleText(t, { file: 'x.vta' });
  console.log('paren', n, r.diagnostics.map((d) => `${d.range.start.line}:${d.code}:${d.message.slice(0, 50)}`));
}
const chain = 'const A = ' + Array(44001).fill('1').join('+') + '\n  nop ld\n  finish\n';
let r = assembleText(chain, { file: 'x.vta' });
console.log('chain', chain.length, r.diagnostics.map((d) => d.message.slice(0, 80)));
const chain2 = 'const A = 0\n  load inp sram=' + Array(100000).fill('A').join('+') + ' dram=0 x=1\n  finish\n';
r = assembleText(chain2, { file: 'x.vta' });
console.log('chain2', r.diagnostics.map((d) => d.code + ' ' + d.message.slice(0, 80)));
const env = { time: () => 0, steps: () => 0, queue: () => 0, source: () => undefined };
for (const t of ['('.repeat(99) + '1' + ')'.repeat(99), '('.repeat(101) + '1' + ')'.repeat(101), '-'.repeat(5000) + '1', Array(44000).fill('1').join('+')]) {
  try { console.log('dap', t.length, evaluate(t, env)); } catch (e) { console.log('dap', t.length, (e as Error).message); }
}
