// The reader of the debug dumps TVM's VTA runtime prints (instructions, micro-ops, queue
// counters) as the importer and the front ends use it; the files beside it are its parts.
export * from './parse-dump';
