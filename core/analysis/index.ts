export * from '../lang/diagnostic';
export * from './access';
export * from './first-tier';
