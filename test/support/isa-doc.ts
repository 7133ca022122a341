// Facts the ISA tests check against, read from the hardware document itself
// (../shared/design/vta-isa.md, beside the checkout) rather than written out again in
// each test: the oracle stays independent of core/isa and of the other tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ISA_DOC = join(process.cwd(), '..', 'shared', 'design', 'vta-isa.md');

/**
 * §1.1's table of the default `config/vta_config.json`, as a JSON object: quoted
 * values are strings, bare ones numbers.
 */
export function docDefaultConfigJson(): Record<string, string | number> {
  const text = readFileSync(ISA_DOC, 'utf8');
  const start = text.indexOf('### 1.1 Default');
  if (start < 0) throw new Error(`${ISA_DOC}: no §1.1 table of the default vta_config.json`);
  const section = text.slice(start, text.indexOf('\n### ', start + 1));
  const json: Record<string, string | number> = {};
  for (const row of section.split('\n')) {
    const m = /^\|\s*([A-Z_]+)\s*\|\s*(`"([^"]*)"`|(\d+))\s*\|/.exec(row);
    if (m) json[m[1]!] = m[3] ?? Number(m[4]);
  }
  if (Object.keys(json).length < 11)
    throw new Error(`${ISA_DOC}: §1.1 table has ${Object.keys(json).length} keys, expected 11`);
  return json;
}
