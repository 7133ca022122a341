export * from './diagnostic';
export * from './access';
export * from './first-tier';
