export * from './lower-layer';
export * from './lower';
export * from './region-tokens';
