/**
 * Configuration keys, derived quantities and board values (vta-isa.md §1), and the
 * rejection of impossible configurations. Expected numbers are copied from the doc.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VtaConfigKeys, VtaTarget } from '../../core/isa/config';
import { BOARDS, ConfigError, readConfigKeys } from '../../core/isa/config';
import { deriveTarget, shippedTarget, targetFromJson } from '../../core/isa/target';
import { layoutsFor, uopLayoutFor } from '../../core/isa/fields';
import { docDefaultConfigJson } from '../support/isa-doc';

/** §1.1, the default `vta_config.json`, as the document's table gives it. */
const DOC_DEFAULT_JSON = docDefaultConfigJson();
const DOC_DEFAULT_KEYS = DOC_DEFAULT_JSON as unknown as VtaConfigKeys;

/** §2.3 memory-type ids. */
const MEM = { UOP: 0, WGT: 1, INP: 2, ACC: 3, OUT: 4, ACC_8BIT: 5 } as const;

const fromJson = (obj: object, name = 'test.json') => targetFromJson(JSON.stringify(obj), name);

/** §1.2 for the default config. */
function assertDefaultDerived(t: VtaTarget): void {
  assert.equal(t.batch, 1);
  assert.equal(t.blockIn, 16);
  assert.equal(t.blockOut, 16);
  assert.equal(t.inpBits, 8);
  assert.equal(t.wgtBits, 8);
  assert.equal(t.accBits, 32);
  assert.equal(t.outBits, 8);
  // Row bytes: INP 16, WGT 256, ACC 64, OUT 16; a uop is 4 B.
  assert.deepEqual(
    [t.uop.rowBytes, t.inp.rowBytes, t.wgt.rowBytes, t.acc.rowBytes, t.out.rowBytes],
    [4, 16, 256, 64, 16],
  );
  // Depths 8192 / 2048 / 1024 / 2048 / 2048 and their logs 13 / 11 / 10 / 11 / 11.
  assert.deepEqual([t.uop.depth, t.inp.depth, t.wgt.depth, t.acc.depth, t.out.depth], [8192, 2048, 1024, 2048, 2048]);
  assert.deepEqual(
    [t.uop.logDepth, t.inp.logDepth, t.wgt.logDepth, t.acc.logDepth, t.out.logDepth],
    [13, 11, 10, 11, 11],
  );
  // DRAM element units: UOP 4, WGT 256, INP 16, ACC 64, OUT 16, ACC_8BIT 16.
  assert.equal(t.elemBytes[MEM.UOP], 4);
  assert.equal(t.elemBytes[MEM.WGT], 256);
  assert.equal(t.elemBytes[MEM.INP], 16);
  assert.equal(t.elemBytes[MEM.ACC], 64);
  assert.equal(t.elemBytes[MEM.OUT], 16);
  assert.equal(t.elemBytes[MEM.ACC_8BIT], 16);
  assert.equal(t.bitstream, '1x16_i8w8a32_15_15_18_17');
}

describe('ISA config: derived quantities (§1.2)', () => {
  it('default config from the JSON of §1.1', () => {
    const t = fromJson(DOC_DEFAULT_JSON, 'vta_config.json');
    assertDefaultDerived(t);
    assert.equal(t.keys.HW_VER, '0.0.2');
    assert.equal(t.keys.TARGET, 'sim');
  });

  it("shippedTarget('default') is the §1.1 config", () => {
    const t = shippedTarget('default')!;
    assertDefaultDerived(t);
    assert.deepEqual(t.keys, DOC_DEFAULT_KEYS);
  });

  it('an empty JSON object takes the stock values', () => {
    assertDefaultDerived(fromJson({}));
  });

  it('HW_VER 0.0.1 with the default numbers has the same derived quantities', () => {
    const t = fromJson({ ...DOC_DEFAULT_JSON, HW_VER: '0.0.1' });
    assert.equal(t.keys.HW_VER, '0.0.1');
    assertDefaultDerived(t);
  });

  it('*_MAT_AXI_RATIO (row bits / bus bits): 64-bit bus 2/32/8/2, 128-bit bus 1/16/4/1', () => {
    const ratios = (t: VtaTarget) => [t.inp, t.wgt, t.acc, t.out].map((g) => (g.rowBytes * 8) / t.busBits);
    assert.deepEqual(ratios(shippedTarget('pynq')!), [2, 32, 8, 2]);
    assert.deepEqual(ratios(shippedTarget('ultra96')!), [1, 16, 4, 1]);
  });

  it('LOG_BLOCK=5 (§2.9 example): depths INP 10, WGT 8, ACC 10 bits', () => {
    const t = fromJson({ ...DOC_DEFAULT_JSON, LOG_BLOCK: 5 });
    assert.equal(t.inp.logDepth, 10);
    assert.equal(t.wgt.logDepth, 8);
    assert.equal(t.acc.logDepth, 10);
    assert.equal(t.out.logDepth, 10);
    assert.equal(t.uop.logDepth, 13);
    assert.deepEqual([t.inp.depth, t.wgt.depth, t.acc.depth], [1024, 256, 1024]);
    // §1.2 formulas by hand: INP row 8·1·32 bits = 32 B; WGT 8·32·32 = 1024 B; ACC 32·32 = 128 B.
    assert.deepEqual([t.inp.rowBytes, t.wgt.rowBytes, t.acc.rowBytes, t.out.rowBytes], [32, 1024, 128, 32]);
    assert.equal(t.elemBytes[MEM.ACC_8BIT], 32);
    assert.equal(t.blockIn, 32);
    assert.equal(t.bitstream, '1x32_i8w8a32_15_15_18_17');
  });

  it('OUT depth always equals ACC depth', () => {
    const variants: Array<Partial<VtaConfigKeys>> = [
      {},
      { LOG_BLOCK: 5 },
      { LOG_BATCH: 1 },
      { LOG_ACC_WIDTH: 4, LOG_ACC_BUFF_SIZE: 16 },
      { LOG_INP_WIDTH: 2, LOG_INP_BUFF_SIZE: 14 },
      { LOG_ACC_BUFF_SIZE: 16 },
    ];
    for (const v of variants) {
      const t = fromJson({ ...DOC_DEFAULT_JSON, ...v });
      assert.equal(t.out.depth, t.acc.depth, JSON.stringify(v));
    }
  });

  it('LOG_OUT_BUFF_SIZE = LOG_ACC_BUFF_SIZE + LOG_OUT_WIDTH − LOG_ACC_WIDTH (15, i.e. 32 KiB, by default)', () => {
    const t = shippedTarget('default')!;
    assert.equal(t.out.rowBytes * t.out.depth, 2 ** 15);
    assert.equal(t.acc.rowBytes * t.acc.depth, 2 ** 17);
    assert.equal(t.inp.rowBytes * t.inp.depth, 2 ** 15);
    assert.equal(t.wgt.rowBytes * t.wgt.depth, 2 ** 18);
    assert.equal(t.uop.rowBytes * t.uop.depth, 2 ** 15);
  });

  it('very old split keys LOG_BLOCK_IN = LOG_BLOCK_OUT are accepted (§1.1)', () => {
    const k = readConfigKeys({ LOG_BLOCK_IN: 5, LOG_BLOCK_OUT: 5 });
    assert.equal(k.LOG_BLOCK, 5);
    assert.throws(
      () => readConfigKeys({ LOG_BLOCK_IN: 4, LOG_BLOCK_OUT: 5 }, 'old.json'),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /old\.json/);
        assert.match(e.message, /LOG_BLOCK_IN/);
        assert.match(e.message, /LOG_BLOCK_OUT/);
        return true;
      },
    );
  });

  it('readConfigKeys does not modify (and so accepts a frozen) input object', () => {
    // Found while reading config.ts: the split-key branch writes obj.LOG_BLOCK into the
    // caller's object, which throws a TypeError on a frozen object in strict-mode ESM.
    const input = Object.freeze({ LOG_BLOCK_IN: 5, LOG_BLOCK_OUT: 5 });
    assert.equal(readConfigKeys(input).LOG_BLOCK, 5);
    const plain: Record<string, unknown> = { LOG_BLOCK_IN: 5, LOG_BLOCK_OUT: 5 };
    readConfigKeys(plain);
    assert.deepEqual(plain, { LOG_BLOCK_IN: 5, LOG_BLOCK_OUT: 5 });
  });
});

describe('ISA config: boards (§1.3) and shipped targets (§1.4)', () => {
  // [clock MHz, log2 bus bits, bus bits]; sim, tsim, intelfocl take the pynq values.
  const DOC_BOARDS: Record<string, [number, number, number]> = {
    pynq: [100, 6, 64],
    ultra96: [333, 7, 128],
    zcu104: [333, 7, 128],
    de10nano: [100, 6, 64],
    sim: [100, 6, 64],
    tsim: [100, 6, 64],
    intelfocl: [100, 6, 64],
  };

  for (const [name, [clock, logBus, busBits]] of Object.entries(DOC_BOARDS)) {
    it(`${name}: ${clock} MHz, ${busBits}-bit AXI, default numeric parameters`, () => {
      const t = shippedTarget(name);
      assert.ok(t, `shippedTarget('${name}') exists`);
      assert.equal(t.board.clockMHz, clock);
      assert.equal(t.board.logBusWidth, logBus);
      assert.equal(t.busBits, busBits);
      assert.equal(BOARDS[name]!.clockMHz, clock);
      assert.equal(BOARDS[name]!.logBusWidth, logBus);
      assert.equal(t.keys.TARGET, name);
      // §1.4: every shipped sample has exactly the default numbers.
      assert.equal(t.bitstream, '1x16_i8w8a32_15_15_18_17');
      assertDefaultDerived(t);
    });
  }

  it('the TARGET key of a JSON config selects the board', () => {
    const t = fromJson({ ...DOC_DEFAULT_JSON, TARGET: 'ultra96' });
    assert.equal(t.board.clockMHz, 333);
    assert.equal(t.busBits, 128);
  });

  it('a TARGET that pkg_config.py does not list takes the pynq board', () => {
    const t = fromJson({ ...DOC_DEFAULT_JSON, TARGET: 'my-custom-board' });
    assert.equal(t.board.clockMHz, 100);
    assert.equal(t.board.logBusWidth, 6);
    assert.equal(t.busBits, 64);
  });

  it('TARGET names that are Object.prototype properties are not boards', () => {
    // Found while reading config.ts: BOARDS[keys.TARGET] and `name in BOARDS` see
    // inherited properties, so "toString"/"constructor"/"__proto__" resolve to a
    // function or Object.prototype instead of the pynq fallback / "unknown target".
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      assert.equal(shippedTarget(name), undefined, `shippedTarget('${name}')`);
      const t = targetFromJson(`{"TARGET": ${JSON.stringify(name)}}`, 'proto.json');
      assert.equal(t.board.clockMHz, 100, `TARGET ${name}: pynq clock`);
      assert.equal(t.busBits, 64, `TARGET ${name}: pynq bus`);
    }
  });

  it('unknown shipped names resolve to undefined', () => {
    assert.equal(shippedTarget('vcu118'), undefined);
    assert.equal(shippedTarget(''), undefined);
  });
});

/** Asserts a ConfigError whose message matches every pattern. */
function rejects(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.equal(e.name, 'ConfigError');
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

describe('ISA config: impossible configurations are rejected with ConfigError', () => {
  it('micro-op wider than 32 bits (LOG_WGT_BUFF_SIZE=19 → 11+11+11 = 33 bits)', () => {
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_WGT_BUFF_SIZE: 19 }, 'wide-uop.json'), /micro-op/i, /33/, /32/);
  });

  it('micro-op wider than 32 bits via the 0.0.2 src = max(ACC, INP) rule', () => {
    // LOG_ACC_BUFF_SIZE=18 → ACC depth 12 bits; 0.0.2 src = max(12, 11) = 12: 12+12+10 = 34.
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_ACC_BUFF_SIZE: 18 }), /micro-op/i, /34/);
    // In 0.0.1 src = LOG_INP_DEPTH = 11: 12+11+10 = 33, still too wide.
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, HW_VER: '0.0.1', LOG_ACC_BUFF_SIZE: 18 }), /micro-op/i, /33/);
  });

  it('a micro-op of exactly 32 bits is accepted (the default)', () => {
    const t = shippedTarget('default')!;
    const l = uopLayoutFor(t);
    assert.equal(l.dst.width + l.src.width + l.wgt.width, 32);
  });

  it('element larger than the 4096 B page (LOG_BLOCK=7: WGT element 16 KiB)', () => {
    rejects(
      () => fromJson({ ...DOC_DEFAULT_JSON, LOG_BLOCK: 7 }, 'block7.json'),
      /WGT/,
      /16384/,
      /4096/,
      /block7\.json/,
    );
  });

  it('an element of exactly 4096 B is accepted (LOG_BLOCK=6: WGT row 8·64·64/8 B)', () => {
    const t = fromJson({ ...DOC_DEFAULT_JSON, LOG_BLOCK: 6 });
    assert.equal(t.elemBytes[MEM.WGT], 4096);
  });

  it('a buffer smaller than one row', () => {
    // WGT buffer 2^7 = 128 B, row 256 B.
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_WGT_BUFF_SIZE: 7 }), /WGT/, /smaller than one row/, /256/);
    // UOP buffer 2 B, one uop 4 B.
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_UOP_BUFF_SIZE: 1 }), /UOP/, /smaller than one row/);
    // INP buffer 8 B, row 16 B.
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_INP_BUFF_SIZE: 3 }), /INP/, /smaller than one row/);
    // ACC buffer 32 B, row 64 B.
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_ACC_BUFF_SIZE: 5 }), /ACC/, /smaller than one row/);
  });

  it('non-integer, negative or non-number keys name the key', () => {
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_BLOCK: 4.5 }, 'frac.json'), /LOG_BLOCK/, /4\.5/, /frac\.json/);
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_INP_BUFF_SIZE: -1 }), /LOG_INP_BUFF_SIZE/, /-1/);
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_BATCH: '0' }), /LOG_BATCH/);
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_ACC_WIDTH: null }), /LOG_ACC_WIDTH/);
    rejects(() => readConfigKeys({ LOG_WGT_WIDTH: true }), /LOG_WGT_WIDTH/);
    rejects(() => readConfigKeys({ LOG_UOP_BUFF_SIZE: 1e300 }), /LOG_UOP_BUFF_SIZE/);
  });

  it('TARGET must be a string', () => {
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, TARGET: 7 }), /TARGET/);
  });

  it('element widths above 32 bits', () => {
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, LOG_ACC_WIDTH: 6 }), /width/i);
  });

  it('HW_VER "0.0.3" (and other versions) are rejected, naming HW_VER', () => {
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, HW_VER: '0.0.3' }, 'v3.json'), /HW_VER/, /0\.0\.3/, /v3\.json/);
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, HW_VER: '0.0.0' }), /HW_VER/);
    rejects(() => fromJson({ ...DOC_DEFAULT_JSON, HW_VER: 2 }), /HW_VER/);
  });

  it('non-object JSON is rejected', () => {
    for (const text of ['[1, 2]', '42', 'null', '"sim"', 'true', '[]']) {
      rejects(() => targetFromJson(text, 'shape.json'), /shape\.json/, /object/);
    }
    rejects(() => readConfigKeys(undefined), /object/);
  });

  it('invalid JSON text is rejected', () => {
    for (const text of ['{', '', '{"LOG_BLOCK": 4,}', "{'TARGET': 'sim'}"]) {
      rejects(() => targetFromJson(text, 'broken.json'), /broken\.json/, /not valid JSON/);
    }
  });

  it('deriveTarget on keys directly applies the same checks', () => {
    rejects(() => deriveTarget('direct', { ...DOC_DEFAULT_KEYS, LOG_WGT_BUFF_SIZE: 19 }), /direct/, /micro-op/i);
    rejects(() => deriveTarget('direct', { ...DOC_DEFAULT_KEYS, LOG_BLOCK: 7 }), /direct/, /4096/);
  });

  // §2.9 step 4: "The total must be ≤ 128." A config accepted by deriveTarget must
  // have instruction layouts that fit; otherwise it must be a ConfigError, not a
  // plain Error thrown later from layoutsFor when something is encoded.
  it('an instruction wider than 128 bits: ALU imm pushed past bit 127 (ACC depth 12, WGT depth 8)', () => {
    // LOG_ACC_BUFF_SIZE=18 → ACC 12 bits; LOG_WGT_BUFF_SIZE=16 → WGT 8 bits.
    // uop 12 + max(12, 11) + 8 = 32 bits (valid); ALU word1 4·12 + 3 + 1 = 52 bits,
    // so the 16-bit imm starts at 128 and the ALU instruction needs 144 bits.
    const keys = { ...DOC_DEFAULT_KEYS, LOG_ACC_BUFF_SIZE: 18, LOG_WGT_BUFF_SIZE: 16 };
    rejects(() => deriveTarget('wide-alu', keys), /wide-alu/, /128/);
  });

  it('an instruction wider than 128 bits: UOP depth 2^14 pushes GEMM/ALU fields past bit 127', () => {
    // LOG_UOP_BUFF_SIZE=16 → uop depth 14 bits: word0 = 7 + 1 + 14 + 15 + 14 = 51, so
    // iter_in (14) moves to word1 and GEMM needs 148 bits.
    rejects(() => deriveTarget('big-uop', { ...DOC_DEFAULT_KEYS, LOG_UOP_BUFF_SIZE: 16 }), /big-uop/, /128/);
    rejects(() => deriveTarget('big-uop', { ...DOC_DEFAULT_KEYS, LOG_UOP_BUFF_SIZE: 17 }), /big-uop/, /128/);
  });

  it('every accepted variant has layouts that fit 128 / 32 bits', () => {
    const variants: Array<Partial<VtaConfigKeys>> = [
      {},
      { HW_VER: '0.0.1' },
      { LOG_BLOCK: 5 },
      { LOG_BLOCK: 6 },
      { LOG_BATCH: 2 },
      { LOG_INP_BUFF_SIZE: 14 },
      { LOG_UOP_BUFF_SIZE: 14 },
      { LOG_ACC_BUFF_SIZE: 16 },
    ];
    for (const v of variants) {
      const t = deriveTarget('variant', { ...DOC_DEFAULT_KEYS, ...v });
      const l = layoutsFor(t);
      for (const kind of ['mem', 'gemm', 'alu', 'finish'] as const)
        assert.ok(l[kind].bits <= 128, `${JSON.stringify(v)} ${kind}`);
      const u = uopLayoutFor(t);
      assert.ok(u.wgt.offset + u.wgt.width <= 32, JSON.stringify(v));
    }
  });
});
