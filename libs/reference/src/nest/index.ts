export * from './place-name';
export * from './reference-index';
export * from './commune-seeder';
export * from './reference.service';
export * from './reference.module';
export * from './reference-sources';
