export * from './layer';
export * from './footprint';
export * from './lint';
export * from './choices';
