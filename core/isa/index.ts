export * from './config';
export * from './fields';
export * from './insn';
export * from './model-string';
export * from './target';
