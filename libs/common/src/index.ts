export * from './problem';
export * from './visible-text';
export * from './timeout';
