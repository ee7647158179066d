export * from './structure.types';
export * from './structure-rules';
export * from './structure-view';
export * from './structures.service';
export * from './claims.service';
export * from './catalogue.module';
export * from './import';
