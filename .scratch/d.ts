import { assembleText } from '../core/asm';
import { parseVta } from '../core/lang/parser';
import { buildSymbolIndex } from '../core/lsp-support/symbols';
for (const t of ['target default\nfor i in 0..2 {\n  data a : inp[4]\n}\n  finish\n', 'target default\nif 1 {\n  data a : inp[4] = zeros\n  nop ld\n}\n  finish\n', 'data a : inp[\n  finish\n', 'data : inp[4]\ndata a inp[4]\ndata a : [4]\ndata a : inp[4] = \ndata a : inp[4] @\n']) {
  const r = assembleText(t, { file: 'x.vta' });
  console.log(JSON.stringify(t), r.diagnostics.map((d) => `${JSON.stringify(d.range)} ${d.code} ${d.message.slice(0, 60)}`));
  const ast = parseVta(t);
  console.log(ast.errors.map((e) => JSON.stringify(e.range)));
}
