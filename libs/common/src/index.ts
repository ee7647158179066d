export * from './problem';
export * from './visible-text';
