// The one source of truth for ISA facts, as the rest of the code reads it: configuration
// keys and derived sizes, field tables, instruction encoding, targets.
export * from './config';
export * from './fields';
export * from './insn';
export * from './model-string';
export * from './target';
