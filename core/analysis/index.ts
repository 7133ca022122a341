// What the front ends read of the analyses: diagnostics, the SRAM rows each instruction
// touches, the first-tier checks and the program index (lines, rows, queue counts). The whole-program entry is check.ts (imported by
// path); the token and hazard analysis is tokens/.
export * from '../lang/diagnostic';
export * from './access';
export * from './first-tier';
export * from './program-index';
