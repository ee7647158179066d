// For the TypeORM CLI (e.g. `npx typeorm migration:show -d dist/libs/persistence/src/data-source.js`).
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from './database';

export default new DataSource(dataSourceOptions(loadConfig().databaseUrl));
