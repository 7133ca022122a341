export * from './parse-dump';
