export * from './progress';
export * from './prng';
export * from './register-row';
export * from './register-importer';
export * from './demo-generator';
