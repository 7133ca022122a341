export * from './assemble';
export * from './host';
export * from './operands';
export { nopInsn } from './token-folding';
export * from './binary';
export * from './disassemble';
export * from './import-dump';
