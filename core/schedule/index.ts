// The schedule language (.vtasched): syntax, lint, lowering to .vta, and the checks and
// estimates of lowered layers. It sits above the .vta stack: nothing in isa/, lang/, asm/,
// analysis/ or sim/ imports it.
export * from './ast';
export * from './parser';
export * from './keys';
export * from './layer';
export * from './footprint';
export * from './lint';
export * from './choices';
export * from './lower-layer';
export * from './lower';
export * from './region-tokens';
export * from './lowered-checks';
export * from './lowered-stream';
export * from './lowered-program';
export * from './print-lowered';
export * from './estimate';
export * from './autotvm';
export * from './autotvm-import';
export * from './autotvm-export';
export * from './network-read';
export * from './network';
export * from './network-estimate';
