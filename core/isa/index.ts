export * from './config';
export * from './fields';
export * from './insn';
