export * from './ast';
export * from './parser';
export * from './keys';
