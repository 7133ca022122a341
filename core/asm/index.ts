// The assembler and what goes with it, as the front ends use them: .vta text to a
// Program, the operand tables, file access, binary streams, the disassembler and the
// importer of TVM dumps.
export * from './assemble';
export * from './host';
export * from './operands';
export { nopInsn } from './token-folding';
export * from './binary';
export * from './disassemble';
export * from './import-dump';
