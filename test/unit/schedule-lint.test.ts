import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { lintSchedule, tileRows, trafficOf, type LayerFigures } from '../../core/schedule';
import { memoryHost } from '../../core/asm/host';
import { defaultTarget, DEFAULT_CONFIG_KEYS, shippedTarget } from '../../core/isa';
import { parseSchedule } from '../../core/schedule';

const lint = (text: string, opts: Parameters<typeof lintSchedule>[1] = {}) => lintSchedule(parseSchedule(text), opts);
const found = (text: string, opts?: Parameters<typeof lintSchedule>[1]) =>
  lint(text, opts).diagnostics.map((d) => `${d.range.start.line + 1} ${d.severity} ${d.code}: ${d.message}`);

const conv = (body: string, name = 'l') => `target default\nconv2d ${name} {\n${body}\n}\n`;

test('schedule lint: the shipped ResNet-18 schedule — three layers fit, four do not, each with its numbers', () => {
  const text = readFileSync(join(import.meta.dirname, '../fixtures/schedules/resnet18-untuned.vtasched'), 'utf8');
  const r = lint(text);
  const line = (name: string, key: string) =>
    text.split('\n').findIndex(
      (l, i) =>
        l.trim().startsWith(key) &&
        text
          .split('\n')
          .slice(0, i)
          .reverse()
          .find((x) => /^(conv2d|dense) /.test(x))
          ?.includes(` ${name} `),
    ) + 1;
  assert.deepEqual(found(text), [
    `${line('c3', 'tile')} error vtasched.bounds.inp: c3: INP needs 3,480 of 2,048 rows (1,740 per tile x 2 virtual threads): a tile reads a 15x29 input window; tile b=1 h=14 w=14 ci=16 co=64 fits (INP 1,682 rows)`,
    `${line('c4', 'tile')} error vtasched.bounds.inp: c4: INP needs 11,880 of 2,048 rows (5,940 per tile x 2 virtual threads): a tile reads a 27x55 input window; tile b=1 h=28 w=7 ci=16 co=64 fits (INP 1,430 rows)`,
    `${line('c4', 'tile')} error vtasched.bounds.acc: c4: ACC needs 3,136 of 2,048 rows (1,568 per tile x 2 virtual threads); tile b=1 h=28 w=7 ci=16 co=64 fits (ACC 1,568 rows)`,
    `${line('c8', 'tile')} error vtasched.bounds.inp: c8: INP needs 2,304 of 2,048 rows (1,152 per tile x 2 virtual threads): a tile reads a 9x16 input window; tile b=1 h=14 w=14 ci=64 co=64 fits (INP 2,048 rows)`,
    `${line('fc', 'tile')} error vtasched.tile: fc: tile co=64 does not divide the output channels (1,008), and no tile that does leaves a multiple of 2 tiles for threads oc=2; with threads oc=1, tiles that do: 16, 48, 112, 144, 336, 1008`,
  ]);
  // c2 by hand: 56x56 out; tile 7x14 → 8x4 tiles, 2 co tiles; window (7-1)+3 x (14-1)+3 = 9x16.
  const c2 = r.layers.find((l) => l.layer.name === 'c2')!;
  assert.deepEqual(c2.tiles, { b: 1, co: 2, h: 8, w: 4, ci: 1, groups: 1, output: 64 });
  assert.deepEqual(c2.window, { h: 9, w: 16 });
  assert.deepEqual(
    c2.buffers.map((b) => [b.buffer, b.perTile, b.total, b.depth]),
    [
      ['INP', 4 * 9 * 16, 2 * 4 * 9 * 16, 2048],
      ['WGT', 2 * 4 * 9, 2 * 2 * 4 * 9, 1024],
      ['ACC', 2 * 7 * 14, 2 * 2 * 7 * 14, 2048],
      ['UOP', 14 * (4 * 9 + 1), 2 * 14 * (4 * 9 + 1), 8192],
    ],
  );
  // 64 tiles x 1 ci step: each loads its input window less the padding (16-byte rows) and its weights
  // (256-byte rows). Window rows inside the image over the 8 row tiles: 8 + 6 x 9 + 8 = 70; columns
  // over the 4 column tiles: 15 + 16 + 16 + 15 = 62; for each of 2 channel tiles and 4 input-channel blocks.
  assert.deepEqual(c2.traffic, { input: 70 * 62 * 2 * 4 * 16, weight: 64 * 72 * 256, output: 64 * 196 * 16 });
  assert.equal(c2.gemmIterations, 4 * 56 * 56 * 4 * 9);
});

/**
 * The footprint a tile really has, counted by walking every output of the tile and the
 * input, weight and accumulator rows it reads: an independent check of the closed forms.
 * The input window is the bounding box of what the tile reads, as the 2-D load takes it.
 */
function bruteForce(f: LayerFigures, batch: number, blockIn: number, blockOut: number) {
  const l = f.layer;
  const inp = new Set<string>();
  const wgt = new Set<string>();
  const acc = new Set<string>();
  let minY = Infinity,
    maxY = -Infinity,
    minX = Infinity,
    maxX = -Infinity;
  for (let b = 0; b < l.tile.b / batch; b++) {
    for (let co = 0; co < l.tile.co / blockOut; co++) {
      for (let y = 0; y < l.tile.h; y++) {
        for (let x = 0; x < l.tile.w; x++) {
          acc.add(`${b},${co},${y},${x}`);
          for (let ci = 0; ci < l.tile.ci / blockIn; ci++) {
            for (let ky = 0; ky < l.kh; ky++) {
              for (let kx = 0; kx < l.kw; kx++) {
                const iy = y * l.strideH + ky;
                const ix = x * l.strideW + kx;
                minY = Math.min(minY, iy);
                maxY = Math.max(maxY, iy);
                minX = Math.min(minX, ix);
                maxX = Math.max(maxX, ix);
                inp.add(`${b},${ci},${iy},${ix}`);
                wgt.add(`${co},${ci},${ky},${kx}`);
              }
            }
          }
        }
      }
    }
  }
  const windowRows = (l.tile.b / batch) * (l.tile.ci / blockIn) * (maxY - minY + 1) * (maxX - minX + 1);
  return { INP: windowRows, WGT: wgt.size, ACC: acc.size, touchedInp: inp.size };
}

test('schedule lint: footprints equal a brute-force walk of the tile on 300 random layers', () => {
  const t = defaultTarget();
  fc.assert(
    fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 2 }),
        ciB: fc.integer({ min: 1, max: 3 }),
        coB: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 12 }),
        w: fc.integer({ min: 1, max: 12 }),
        k: fc.integer({ min: 1, max: 4 }),
        pad: fc.integer({ min: 0, max: 2 }),
        stride: fc.integer({ min: 1, max: 3 }),
        pickH: fc.nat(),
        pickW: fc.nat(),
        pickCi: fc.nat(),
        pickCo: fc.nat(),
      }),
      (p) => {
        const H = p.h + p.k;
        const W = p.w + p.k;
        const outH = Math.floor((H + 2 * p.pad - p.k) / p.stride) + 1;
        const outW = Math.floor((W + 2 * p.pad - p.k) / p.stride) + 1;
        const divs = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
        const th = divs(outH)[p.pickH % divs(outH).length]!;
        const tw = divs(outW)[p.pickW % divs(outW).length]!;
        const tci = divs(p.ciB)[p.pickCi % divs(p.ciB).length]! * 16;
        const tco = divs(p.coB)[p.pickCo % divs(p.coB).length]! * 16;
        const text = conv(
          `input = ${p.n}x${p.ciB * 16}x${H}x${W}\nfilter = ${p.coB * 16}x${p.ciB * 16}x${p.k}x${p.k}\npad = ${p.pad}\nstride = ${p.stride}\ntile b=1 h=${th} w=${tw} ci=${tci} co=${tco}`,
        );
        const r = lint(text);
        assert.equal(r.layers.length, 1, JSON.stringify(r.diagnostics));
        const f = r.layers[0]!;
        const want = bruteForce(f, t.batch, t.blockIn, t.blockOut);
        assert.deepEqual(
          f.buffers.slice(0, 3).map((b) => b.perTile),
          [want.INP, want.WGT, want.ACC],
          text,
        );
        assert.ok(want.touchedInp <= want.INP);
        assert.equal(f.tiles.output, p.n * ((p.coB * 16) / tco) * (outH / th) * (outW / tw));
      },
    ),
    { numRuns: 300, seed: 0x5ced },
  );
});

test('schedule lint: channels and batch not in whole blocks say how much padding they need', () => {
  assert.deepEqual(found(conv('input = 1x3x8x8\nfilter = 20x3x3x3')), [
    '3 error vtasched.block: l: the input channels, 3 is not a multiple of BLOCK_IN (16): pad it to 16 (13 more)',
    '4 error vtasched.block: l: the output channels, 20 is not a multiple of BLOCK_OUT (16): pad it to 32 (12 more)',
  ]);
  // A target with BATCH 2 (LOG_BATCH 1) wants an even batch.
  const json = JSON.stringify({ ...DEFAULT_CONFIG_KEYS, LOG_BATCH: 1 });
  const host = memoryHost({ '/w/b2.json': json });
  const text = 'target "b2.json"\ndense fc {\n  input = 3x32\n  weight = 16x32\n}\n';
  assert.deepEqual(found(text, { host, file: '/w/s.vtasched' }), [
    '3 error vtasched.block: fc: the batch 3 is not a multiple of BATCH (2): pad it to 4 (1 more)',
  ]);
});

test('schedule lint: tile and thread knobs that do not divide, or are not whole blocks', () => {
  const shape = 'input = 1x64x28x28\nfilter = 64x64x3x3\npad = 1';
  assert.deepEqual(found(conv(`${shape}\ntile h=5 w=28 ci=64 co=64`)), [
    '6 error vtasched.tile: l: tile h=5 does not divide the output rows (28): tiles that do: 1, 2, 4, 7, 14, 28',
  ]);
  assert.deepEqual(found(conv(`${shape}\ntile h=7 w=28 ci=24 co=64`)), [
    '6 error vtasched.tile: l: tile ci=24 is not a whole number of BLOCK_IN blocks of 16',
  ]);
  assert.deepEqual(found(conv(`${shape}\ntile h=7 w=28 ci=48 co=64`)), [
    '6 error vtasched.tile: l: tile ci=48 does not divide the input channels (64): tiles that do: 16, 32, 64',
  ]);
  assert.deepEqual(found(conv(`${shape}\ntile h=7 w=28 ci=64 co=32\nthreads oc=3 h=3`)), [
    '7 error vtasched.threads: l: threads oc=3 does not divide the 2 output-channel tiles: each virtual thread takes every 3rd tile; counts that divide: 1, 2',
    '7 error vtasched.threads: l: threads h=3 does not divide the 4 row tiles: each virtual thread takes every 3rd tile; counts that divide: 1, 2, 4',
  ]);
  // Dividing knobs give figures and no findings.
  const r = lint(conv(`${shape}\ntile h=7 w=28 ci=32 co=32\nthreads oc=2`));
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.layers[0]!.tiles, { b: 1, co: 2, h: 4, w: 1, ci: 2, groups: 1, output: 8 });
});

test('schedule lint: every buffer over its depth is reported with the numbers; defaults tile the whole layer', () => {
  // No tile line: one tile of the whole 1x256x56x56 layer.
  const d = found(conv('input = 1x256x56x56\nfilter = 256x256x3x3\npad = 1'));
  // INP 16 blocks x 58x58 window, WGT 16 x 16 x 3x3, ACC 16 x 56x56; UOP 56 x (16 x 9 + 1) = 8,120 fits.
  assert.deepEqual(d, [
    '2 error vtasched.bounds.inp: l: INP needs 53,824 of 2,048 rows: a tile reads a 58x58 input window; tile b=1 h=56 w=8 ci=32 co=64 fits (INP 1,160 rows)',
    '2 error vtasched.bounds.wgt: l: WGT needs 2,304 of 1,024 rows; tile b=1 h=56 w=8 ci=32 co=64 fits (WGT 72 rows)',
    '2 error vtasched.bounds.acc: l: ACC needs 50,176 of 2,048 rows; tile b=1 h=56 w=8 ci=32 co=64 fits (ACC 1,792 rows)',
  ]);
  // The suggestion by hand: 2 ci blocks x a 58x10 window = 1,160; 4 co x 2 ci blocks x 3x3 = 72; 4 co blocks x 56x8 = 1,792.
  // One more input-channel block per tile would not fit the micro-op buffer: 56 x (17 x 9 + 1) = 8,624.
  assert.ok(
    found(conv('input = 1x272x56x56\nfilter = 16x272x3x3\npad = 1\ntile h=1 co=16')).some((d) =>
      d.startsWith('6 error vtasched.bounds.uop: l: UOP needs 8,624 of 8,192 entries; tile '),
    ),
  );
});

test('schedule lint: the suggested tile fits, divides the layer, and moves no more bytes than any other tile that fits', () => {
  const t = defaultTarget();
  fc.assert(
    fc.property(
      fc.record({
        cB: fc.integer({ min: 1, max: 8 }),
        oB: fc.integer({ min: 1, max: 8 }),
        hw: fc.integer({ min: 4, max: 40 }),
        k: fc.constantFrom(1, 3, 5),
        stride: fc.integer({ min: 1, max: 2 }),
        oc: fc.constantFrom(1, 2),
      }),
      (p) => {
        const text = conv(
          `input = 1x${p.cB * 16}x${p.hw}x${p.hw}\nfilter = ${p.oB * 16}x${p.cB * 16}x${p.k}x${p.k}\npad = ${(p.k - 1) / 2}\nstride = ${p.stride}\nthreads oc=${p.oc % p.oB === 0 || p.oB % p.oc === 0 ? p.oc : 1}`,
        );
        const r = lint(text);
        const over = r.diagnostics.filter((d) => d.code.startsWith('vtasched.bounds.'));
        if (!over.length) return; // the whole layer fits: nothing to suggest
        const fix = over[0]!.fixes?.[0];
        if (!fix) return; // no tile fits with these threads (said in the message)
        assert.ok(
          over.every((d) => d.fixes?.[0]?.title === fix.title),
          'one suggestion per layer',
        );
        // Apply the edit (a line inserted after the header) and lint again: no bounds error.
        const lines = text.split('\n');
        lines.splice(fix.edits[0]!.range.start.line, 0, fix.edits[0]!.newText.replace(/\n$/, ''));
        const fixed = lint(lines.join('\n'));
        assert.deepEqual(fixed.diagnostics, [], `${fix.title}\n${lines.join('\n')}`);
        // No other whole-block tile that fits moves fewer bytes.
        const l = fixed.layers[0]!.layer;
        const cost = (x: { input: number; weight: number; output: number }) => x.input + x.weight + x.output;
        const best = cost(trafficOf(l, t, l.tile));
        const divs = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
        for (const h of divs(l.outH))
          for (const w of divs(l.outW))
            for (const ci of divs(p.cB))
              for (const co of divs(p.oB)) {
                if ((p.oB / co) % l.threads.oc !== 0) continue;
                const tile = { b: 1, h, w, ci: ci * 16, co: co * 16 };
                const rows = tileRows(l, t, tile);
                const T = l.threads.oc * l.threads.h;
                if (rows.INP * T > 2048 || rows.WGT * T > 1024 || rows.ACC * T > 2048 || rows.UOP * T > 8192) continue;
                assert.ok(
                  cost(trafficOf(l, t, tile)) >= best,
                  `${JSON.stringify(tile)} moves fewer bytes than ${fix.title}`,
                );
              }
      },
    ),
    { numRuns: 60, seed: 21 },
  );
});

test('schedule lint: instruction fields the lowering needs are checked against their widths', () => {
  // A 16-row padding does not fit the 4-bit pad fields; a 70,000-column row not the 16-bit stride.
  assert.deepEqual(
    found(conv('input = 1x16x8x70000\nfilter = 16x16x1x1\npad = 16\ntile h=1 w=1')).filter((x) => x.includes('range')),
    [
      '3 error vtasched.range.x_stride: l: an input row of 70,000 columns needs x_stride = 70,000, but the LOAD/STORE field holds 0..65,535 (16 bits)',
      '3 error vtasched.range.x_stride: l: an output row of 70,032 columns needs x_stride = 70,032, but the LOAD/STORE field holds 0..65,535 (16 bits)',
      '5 error vtasched.range.y_pad_0: l: a padding of 16 rows needs y_pad_0 = 16, but the LOAD/STORE field holds 0..15 (4 bits)',
      '5 error vtasched.range.x_pad_0: l: a padding of 16 columns needs x_pad_0 = 16, but the LOAD/STORE field holds 0..15 (4 bits)',
    ],
  );
  // Epilogue immediates are signed 16-bit; mul needs VTA 0.0.2; a shift of 32 or more is flagged.
  const dense = (epi: string, target = 'default') =>
    `target ${target}\ndense fc {\n  input = 1x16\n  weight = 16x16\n  epilogue ${epi}\n}\n`;
  assert.deepEqual(found(dense('add 40000, shr 40, min 127')), [
    '5 error vtasched.range.imm: fc: add 40000 needs imm = 40,000, but the ALU field holds -32,768..32,767 (16 bits)',
    '5 warning vtasched.epilogue: fc: shr 40 shifts a 32-bit accumulator by its whole width or more',
  ]);
  const host = memoryHost({ '/w/old.json': JSON.stringify({ ...DEFAULT_CONFIG_KEYS, HW_VER: '0.0.1' }) });
  assert.deepEqual(found(dense('mul 3', '"old.json"'), { host, file: '/w/s.vtasched' }), [
    '5 error vtasched.name.alu: fc: target old.json (VTA 0.0.1) has no ALU mul: it has min, max, add, shr',
  ]);
});

test('schedule lint: malformed values, inconsistent shapes and targets are reported where they are written', () => {
  assert.deepEqual(found(conv('input = 1x16x8\nfilter = 16x16x3x3')), [
    '3 error vtasched.value: l: input has 3 dimensions; it needs 4 (N x C x H x W)',
  ]);
  assert.deepEqual(found(conv('input = 1x32x8x8\nfilter = 16x16x3x3')), [
    '4 error vtasched.shape: l: filter has 16 input channels; the input has 32',
  ]);
  assert.deepEqual(found(conv('input = 1x32x8x8\nfilter = 32x16x3x3\ngroups = 2')), []);
  assert.deepEqual(found(conv('input = 1x32x8x8\nfilter = 16x16x3x3\ngroups = 2')), [
    "4 error vtasched.block: l: each group's output channels, 8 is not a multiple of BLOCK_OUT (16): pad it to 16 (8 more)",
  ]);
  assert.deepEqual(found(conv('input = 1x16x2x2\nfilter = 16x16x5x5')), [
    '4 error vtasched.shape: l: the 5x5 filter is larger than the padded input (2x2): there is no output',
  ]);
  assert.deepEqual(found(conv('input = 1x16x8x8\nfilter = 16x16x3x3\nstride = 0\ntile h=0')), [
    '5 error vtasched.value: l: stride = 0: it must be at least 1',
    '6 error vtasched.value: l: tile h=0: it must be at least 1',
  ]);
  assert.deepEqual(found('target nosuch\ndense d {\n input = 1x16\n weight = 16x16\n}\n'), [
    '1 error vtasched.target: unknown target \'nosuch\': expected default, sim, tsim, pynq, ultra96, zcu104, de10nano, intelfocl, a TVM model string (pynq_1x16_i8w8a32_15_15_18_17) or a "path/vta_config.json"',
  ]);
  assert.deepEqual(found('target "missing.json"\n', { host: memoryHost({}), file: '/w/s.vtasched' }), [
    "1 error vtasched.target: cannot read 'missing.json' (resolved to /w/missing.json)",
  ]);
  assert.deepEqual(
    found(
      'target default\ntarget pynq\ndense d {\n input = 1x16\n weight = 16x16\n}\ndense d {\n input = 1x16\n weight = 16x16\n}\n',
    ),
    [
      '2 error vtasched.target: a second `target` line: a schedule file has one target',
      "7 error vtasched.name.duplicate: a second layer named 'd' (the first is a dense)",
    ],
  );
  // The option overrides the file's target: pynq has the stock buffers, so the same figures.
  const r = lint('target nosuch\ndense d {\n input = 1x16\n weight = 16x16\n}\n', { target: shippedTarget('pynq') });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.target?.name, 'pynq');
});

test('schedule lint: huge shapes are checked without long searches', { timeout: 20_000 }, () => {
  // 2^50 + 1 output rows (a number with few small divisors): the suggestions are skipped, not searched for.
  const rows = 2 ** 50 + 1;
  const d = found(conv(`input = 1x16x${rows}x1\nfilter = 16x16x1x1\ntile h=2 w=1`));
  assert.deepEqual(d, [
    `5 error vtasched.tile: l: tile h=2 does not divide the output rows (${rows.toLocaleString('en-US')})`,
  ]);
  // A prime in the millions still gets its two divisors.
  assert.deepEqual(found(conv('input = 1x16x1000003x1\nfilter = 16x16x1x1\ntile h=2 w=1')), [
    '5 error vtasched.tile: l: tile h=2 does not divide the output rows (1,000,003): tiles that do: 1, 1000003',
  ]);
});

test('schedule lint: conv2d_transpose has its shapes, tiles on the stride, threads and footprint checked', () => {
  // 4x4 -> 8x8 (stride 2, pad 1, as DCGAN's layers); the filter is I x O x KH x KW.
  const head =
    'target default\nconv2d_transpose up {\n  input = 1x32x4x4\n  filter = 32x16x4x4\n  pad = 1\n  stride = 2\n';
  assert.deepEqual(found(`${head}  tile h=8 w=8\n}\n`), []);
  assert.deepEqual(found(`${head}  tile h=3 w=3\n}\n`), [
    '7 error vtasched.tile: up: tile h=3 does not divide the output rows (8): tiles that do (multiples of the stride): 2, 4, 8',
    '7 error vtasched.tile: up: tile w=3 does not divide the output columns (8): tiles that do (multiples of the stride): 2, 4, 8',
  ]);
  assert.deepEqual(found(`${head}  tile h=1 w=8\n}\n`), [
    "7 error vtasched.tile: up: tile h=1 is not a multiple of the stride (2): a transposed convolution's tiles start on the stride; tiles that are: 2, 4, 8",
  ]);
  assert.deepEqual(
    found('target default\nconv2d_transpose up {\n  input = 1x32x4x4\n  filter = 16x16x4x4\n  stride = 2\n}\n'),
    ['4 error vtasched.shape: up: filter has 16 input channels (its first dimension); the input has 32'],
  );
  assert.deepEqual(
    found(
      'target default\nconv2d_transpose up {\n  input = 1x16x4x4\n  filter = 16x16x3x3\n  pad = 3\n  stride = 2\n}\n',
    ),
    ["5 error vtasched.shape: up: pad = 3,3: a transposed convolution's padding must be smaller than its 3x3 kernel"],
  );
  // The window a tile reads is in input rows: 8 output rows of stride 2 read 6 input rows (two of them padding).
  const lint = lintSchedule(parseSchedule(`${head}  tile h=8 w=8\n}\n`));
  assert.deepEqual(lint.layers[0]!.window, { h: 6, w: 6 });
  assert.equal(lint.layers[0]!.layer.outH, 8);
});

test('schedule lint: a file past the size limit gets one error, not a parse', () => {
  const big = `target default\n${'; padding\n'.repeat(1_700_000)}`;
  assert.ok(big.length > 16 * 1024 * 1024);
  const d = found(big);
  assert.equal(d.length, 1);
  assert.match(
    d[0]!,
    /^1 error vtasched\.syntax\.error: the file has [\d]+ characters, more than the 16777216 this tool parses$/,
  );
});

test('schedule lint: random garbage never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (s) => {
      lint(`conv2d x {\n${s}\n}\ndense y {\n${s}\n}\n`);
      lint(s);
    }),
    { numRuns: 500, seed: 7 },
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -5, max: 100 }), fc.constant(2 ** 60)), { minLength: 12, maxLength: 12 }),
      (v) => {
        lint(
          conv(
            `input = ${v[0]}x${v[1]}x${v[2]}x${v[3]}\nfilter = ${v[4]}x${v[5]}x${v[6]}x${v[7]}\npad = ${v[8]}\nstride = ${v[9]}\ntile h=${v[10]} co=${v[11]}\nthreads oc=${v[0]}`,
          ),
        );
      },
    ),
    { numRuns: 500, seed: 11 },
  );
});
