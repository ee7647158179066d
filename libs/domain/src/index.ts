export * from './vocabulary';
export * from './grouping';
