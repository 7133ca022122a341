// What the front ends read of the analyses: diagnostics, the SRAM rows each instruction
// touches, and the first-tier checks. The whole-program entry is check.ts (imported by
// path); the token and hazard analysis is tokens/.
export * from '../lang/diagnostic';
export * from './access';
export * from './first-tier';
export * from './insn-facts';
