export * from './search-index.port';
