// Reference data of the product: pure data and pure functions (no Nest, no database).
export * from './reference-data-dir';
export * from './text';
export * from './administrative';
export * from './communes-file';
export * from './cpv-file';
export * from './taxonomy';
export * from './nest';
