/**
 * Module dispatch (vta-isa.md §3.1), dependency flag → token queue (§3.2) and the
 * NOP ("sync") instructions (§3.4). Expected values are the doc's tables, written
 * out here with the doc's names (load / compute / store, l2g / g2l / g2s / s2g).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shippedTarget } from '../../core/isa/target';
import type { FieldName, OpcodeId } from '../../core/isa/fields';
import type { DepFlag, Insn, ModuleId, QueueId } from '../../core/isa/insn';
import {
  MODULE_NAMES,
  QUEUE_RUNTIME_NAMES,
  decodeInsn,
  emptyInsn,
  isNop,
  moduleOf,
  popFlagFor,
  pushFlagFor,
  queueConsumer,
  queueOfFlag,
  queueProducer,
  tokenUse,
} from '../../core/isa/insn';

/** §2.2 opcodes and §2.3 memory-type ids. */
const OP = { LOAD: 0, STORE: 1, GEMM: 2, FINISH: 3, ALU: 4 } as const;
const MEM = { UOP: 0, WGT: 1, INP: 2, ACC: 3, OUT: 4, ACC_8BIT: 5 } as const;

type DocModule = 'load' | 'compute' | 'store';
type DocQueue = 'l2g' | 'g2l' | 'g2s' | 's2g';
const FLAGS: readonly DepFlag[] = ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'];

function insn(opcode: number, values: Partial<Record<FieldName, number>> = {}): Insn {
  const i = emptyInsn(opcode as OpcodeId);
  Object.assign(i, values);
  return i;
}
const moduleName = (i: Insn): string => MODULE_NAMES[moduleOf(i)];

/** §3.2: runtime queue names by (producer, consumer). */
const DOC_QUEUE_ENDS: Record<DocQueue, [DocModule, DocModule]> = {
  l2g: ['load', 'compute'],
  g2l: ['compute', 'load'],
  g2s: ['compute', 'store'],
  s2g: ['store', 'compute'],
};

/** §3.2 table: module × flag → queue, `null` = illegal. */
const DOC_FLAG_TABLE: Record<DocModule, Record<DepFlag, DocQueue | null>> = {
  load: { pop_prev_dep: null, pop_next_dep: 'g2l', push_prev_dep: null, push_next_dep: 'l2g' },
  compute: { pop_prev_dep: 'l2g', pop_next_dep: 's2g', push_prev_dep: 'g2l', push_next_dep: 'g2s' },
  store: { pop_prev_dep: 'g2s', pop_next_dep: null, push_prev_dep: 's2g', push_next_dep: null },
};

/** The module id the code uses for a doc module name (checked against MODULE_NAMES below). */
function moduleIdOf(name: DocModule): ModuleId {
  const entry = Object.entries(MODULE_NAMES).find(([, v]) => v === name);
  assert.ok(entry, `no module named ${name}`);
  return entry[0] as ModuleId;
}
const runtimeName = (q: QueueId | undefined): DocQueue | null =>
  q === undefined ? null : (QUEUE_RUNTIME_NAMES[q] as DocQueue);

describe('ISA dispatch (§3.1)', () => {
  it('the three modules are load, compute and store', () => {
    assert.deepEqual(Object.values(MODULE_NAMES).sort(), ['compute', 'load', 'store']);
  });

  it('STORE with any memory_type runs on store', () => {
    for (let m = 0; m < 8; m++)
      assert.equal(moduleName(insn(OP.STORE, { memory_type: m, x_size: 1 })), 'store', `STORE mem ${m}`);
  });

  it('LOAD INP and LOAD WGT run on load', () => {
    assert.equal(moduleName(insn(OP.LOAD, { memory_type: MEM.INP, x_size: 1 })), 'load');
    assert.equal(moduleName(insn(OP.LOAD, { memory_type: MEM.WGT, x_size: 1 })), 'load');
  });

  it('LOAD with any other memory_type (UOP, ACC, ACC_8BIT, …) runs on compute', () => {
    for (const m of [MEM.UOP, MEM.ACC, MEM.OUT, MEM.ACC_8BIT, 6, 7]) {
      assert.equal(moduleName(insn(OP.LOAD, { memory_type: m, x_size: 1 })), 'compute', `LOAD mem ${m}`);
    }
  });

  it('GEMM, ALU and FINISH run on compute', () => {
    for (const op of [OP.GEMM, OP.ALU, OP.FINISH]) assert.equal(moduleName(insn(op)), 'compute', `opcode ${op}`);
  });

  it('dispatch ignores flags, sizes and the other fields', () => {
    const noise = {
      pop_prev_dep: 1,
      pop_next_dep: 1,
      push_prev_dep: 1,
      push_next_dep: 1,
      x_size: 0,
      y_size: 9,
      sram_base: 3,
    };
    assert.equal(moduleName(insn(OP.LOAD, { ...noise, memory_type: MEM.WGT })), 'load');
    assert.equal(moduleName(insn(OP.LOAD, { ...noise, memory_type: MEM.UOP })), 'compute');
    assert.equal(moduleName(insn(OP.STORE, { ...noise, memory_type: MEM.INP })), 'store');
    assert.equal(moduleName(insn(OP.GEMM, { ...noise, memory_type: MEM.INP })), 'compute');
  });
});

describe('ISA dependency flags (§3.2)', () => {
  it('queue runtime names l2g / g2l / g2s / s2g have the doc producer and consumer', () => {
    assert.equal(Object.keys(QUEUE_RUNTIME_NAMES).length, 4);
    for (const [q, name] of Object.entries(QUEUE_RUNTIME_NAMES) as Array<[QueueId, string]>) {
      const ends = DOC_QUEUE_ENDS[name as DocQueue];
      assert.ok(ends, `unknown queue name ${name}`);
      assert.equal(MODULE_NAMES[queueProducer(q)], ends[0], `${name} producer`);
      assert.equal(MODULE_NAMES[queueConsumer(q)], ends[1], `${name} consumer`);
    }
  });

  for (const mod of ['load', 'compute', 'store'] as const) {
    for (const flag of FLAGS) {
      const expected = DOC_FLAG_TABLE[mod][flag];
      it(`${mod} ${flag} → ${expected ?? 'illegal'}`, () => {
        const q = queueOfFlag(moduleIdOf(mod), flag);
        assert.equal(runtimeName(q), expected);
        if (q !== undefined) {
          // A pop consumes a queue the module is the consumer of; a push feeds one it produces.
          const end = flag.startsWith('pop') ? queueConsumer(q) : queueProducer(q);
          assert.equal(MODULE_NAMES[end], mod);
        }
      });
    }
  }

  it('popFlagFor / pushFlagFor give the consumer / producer flag of each queue', () => {
    for (const [name, [producer, consumer]] of Object.entries(DOC_QUEUE_ENDS) as Array<
      [DocQueue, [DocModule, DocModule]]
    >) {
      const q = (Object.keys(QUEUE_RUNTIME_NAMES) as QueueId[]).find((k) => QUEUE_RUNTIME_NAMES[k] === name)!;
      const expectedPop = (Object.keys(DOC_FLAG_TABLE[consumer]) as DepFlag[]).find(
        (f) => f.startsWith('pop') && DOC_FLAG_TABLE[consumer][f] === name,
      );
      const expectedPush = (Object.keys(DOC_FLAG_TABLE[producer]) as DepFlag[]).find(
        (f) => f.startsWith('push') && DOC_FLAG_TABLE[producer][f] === name,
      );
      assert.equal(popFlagFor(q), expectedPop, `${name} pop`);
      assert.equal(pushFlagFor(q), expectedPush, `${name} push`);
    }
    // Spelled out from the table as well: prev/next is relative to load < compute < store.
    const byName = (n: DocQueue) =>
      (Object.keys(QUEUE_RUNTIME_NAMES) as QueueId[]).find((k) => QUEUE_RUNTIME_NAMES[k] === n)!;
    assert.equal(popFlagFor(byName('l2g')), 'pop_prev_dep');
    assert.equal(popFlagFor(byName('g2l')), 'pop_next_dep');
    assert.equal(popFlagFor(byName('g2s')), 'pop_prev_dep');
    assert.equal(popFlagFor(byName('s2g')), 'pop_next_dep');
    assert.equal(pushFlagFor(byName('l2g')), 'push_next_dep');
    assert.equal(pushFlagFor(byName('g2l')), 'push_prev_dep');
    assert.equal(pushFlagFor(byName('g2s')), 'push_next_dep');
    assert.equal(pushFlagFor(byName('s2g')), 'push_prev_dep');
  });

  /** One representative instruction per module, plus the other compute-stage forms. */
  const REPRESENTATIVES: Array<[string, DocModule, Partial<Record<FieldName, number>> & { opcode: number }]> = [
    ['LOAD INP', 'load', { opcode: OP.LOAD, memory_type: MEM.INP, x_size: 4 }],
    ['LOAD WGT', 'load', { opcode: OP.LOAD, memory_type: MEM.WGT, x_size: 4 }],
    ['GEMM', 'compute', { opcode: OP.GEMM }],
    ['ALU', 'compute', { opcode: OP.ALU }],
    ['FINISH', 'compute', { opcode: OP.FINISH }],
    ['LOAD UOP', 'compute', { opcode: OP.LOAD, memory_type: MEM.UOP, x_size: 4 }],
    ['LOAD ACC', 'compute', { opcode: OP.LOAD, memory_type: MEM.ACC, x_size: 4 }],
    ['LOAD ACC_8BIT', 'compute', { opcode: OP.LOAD, memory_type: MEM.ACC_8BIT, x_size: 4 }],
    ['STORE OUT', 'store', { opcode: OP.STORE, memory_type: MEM.OUT, x_size: 4 }],
  ];

  for (const [label, mod, base] of REPRESENTATIVES) {
    it(`tokenUse for ${label}: all 16 flag combinations`, () => {
      for (let mask = 0; mask < 16; mask++) {
        const values: Partial<Record<FieldName, number>> = { ...base };
        FLAGS.forEach((f, b) => (values[f] = (mask >> b) & 1));
        const u = tokenUse(insn(base.opcode, values));
        const pops: DocQueue[] = [];
        const pushes: DocQueue[] = [];
        const illegal: DepFlag[] = [];
        FLAGS.forEach((f, b) => {
          if (!((mask >> b) & 1)) return;
          const q = DOC_FLAG_TABLE[mod][f];
          if (q === null) illegal.push(f);
          else (f.startsWith('pop') ? pops : pushes).push(q);
        });
        const what = `${label} flags ${mask.toString(2).padStart(4, '0')}`;
        assert.equal(MODULE_NAMES[u.module], mod, what);
        assert.deepEqual(u.pops.map((q) => QUEUE_RUNTIME_NAMES[q]).sort(), pops.sort(), `${what} pops`);
        assert.deepEqual(u.pushes.map((q) => QUEUE_RUNTIME_NAMES[q]).sort(), pushes.sort(), `${what} pushes`);
        assert.deepEqual([...u.illegal].sort(), illegal.sort(), `${what} illegal`);
      }
    });
  }

  it('illegal flags: load prev flags and store next flags are reported, not mapped', () => {
    const ld = tokenUse(insn(OP.LOAD, { memory_type: MEM.INP, x_size: 1, pop_prev_dep: 1, push_prev_dep: 1 }));
    assert.deepEqual(ld.pops, []);
    assert.deepEqual(ld.pushes, []);
    assert.deepEqual([...ld.illegal].sort(), ['pop_prev_dep', 'push_prev_dep']);
    const st = tokenUse(insn(OP.STORE, { memory_type: MEM.OUT, x_size: 1, pop_next_dep: 1, push_next_dep: 1 }));
    assert.deepEqual(st.pops, []);
    assert.deepEqual(st.pushes, []);
    assert.deepEqual([...st.illegal].sort(), ['pop_next_dep', 'push_next_dep']);
    // The same prev flags are legal on a compute-stage LOAD (UOP).
    const ex = tokenUse(insn(OP.LOAD, { memory_type: MEM.UOP, x_size: 1, pop_prev_dep: 1, push_prev_dep: 1 }));
    assert.deepEqual(ex.illegal, []);
    assert.deepEqual(
      ex.pops.map((q) => QUEUE_RUNTIME_NAMES[q]),
      ['l2g'],
    );
    assert.deepEqual(
      ex.pushes.map((q) => QUEUE_RUNTIME_NAMES[q]),
      ['g2l'],
    );
  });
});

describe('ISA NOP instructions (§3.4)', () => {
  it('LOAD/STORE with x_size 0 are NOPs whatever the other fields', () => {
    assert.equal(isNop(insn(OP.LOAD, { memory_type: MEM.INP, x_size: 0 })), true);
    assert.equal(isNop(insn(OP.LOAD, { memory_type: MEM.UOP, x_size: 0 })), true);
    assert.equal(isNop(insn(OP.STORE, { memory_type: MEM.UOP, x_size: 0 })), true);
    assert.equal(isNop(insn(OP.LOAD, { memory_type: MEM.WGT, x_size: 0, y_size: 5, x_stride: 5, dram_base: 7 })), true);
  });

  it('x_size ≠ 0 is not a NOP, even with y_size 0', () => {
    assert.equal(isNop(insn(OP.LOAD, { memory_type: MEM.INP, x_size: 1 })), false);
    assert.equal(isNop(insn(OP.STORE, { memory_type: MEM.OUT, x_size: 1, y_size: 0 })), false);
    assert.equal(isNop(insn(OP.LOAD, { memory_type: MEM.UOP, x_size: 65535 })), false);
  });

  it('GEMM, ALU and FINISH are never NOPs (their x_size field is 0 but does not exist)', () => {
    for (const op of [OP.GEMM, OP.ALU, OP.FINISH]) assert.equal(isNop(insn(op)), false, `opcode ${op}`);
    assert.equal(isNop(insn(OP.GEMM, { iter_out: 0, iter_in: 0, uop_bgn: 0, uop_end: 0 })), false);
  });

  it('the runtime NOP kinds decode to the doc stage and tokens', () => {
    const t = shippedTarget('default')!;
    // Bytes built by hand from §2.5: opcode bits 0–2, flags 3–6, memory_type 7–9, x_size 80–95 = 0.
    const cases: Array<[string, number[], DocModule, DocQueue[], DocQueue[]]> = [
      // NOP-MEMORY-STAGE: LOAD INP (2 << 7 = 0x100), push_next_dep (bit 6) → l2g.
      ['NOP-MEMORY-STAGE', [0x40, 0x01], 'load', [], ['l2g']],
      // NOP-COMPUTE-STAGE: LOAD UOP, pop_prev_dep (bit 3) + pop_next_dep (bit 4) → pops l2g, s2g.
      ['NOP-COMPUTE-STAGE', [0x18, 0x00], 'compute', ['l2g', 's2g'], []],
      // NOP-STORE-STAGE: STORE (opcode 1) UOP, push_prev_dep (bit 5) → s2g (the seeded credits of §3.7).
      ['NOP-STORE-STAGE', [0x21, 0x00], 'store', [], ['s2g']],
    ];
    for (const [label, head, mod, pops, pushes] of cases) {
      const bytes = new Uint8Array(16);
      bytes[0] = head[0]!;
      bytes[1] = head[1]!;
      const d = decodeInsn(t, bytes);
      assert.equal(d.strayBits, false, label);
      assert.equal(isNop(d.insn), true, label);
      const u = tokenUse(d.insn);
      assert.equal(MODULE_NAMES[u.module], mod, label);
      assert.deepEqual(u.pops.map((q) => QUEUE_RUNTIME_NAMES[q]).sort(), pops, `${label} pops`);
      assert.deepEqual(u.pushes.map((q) => QUEUE_RUNTIME_NAMES[q]).sort(), pushes, `${label} pushes`);
      assert.deepEqual(u.illegal, [], label);
    }
  });
});
