import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { createWorkerContext } from './worker.bootstrap';

createWorkerContext(loadConfig())
  .then(() => new Logger('Worker').log('Worker started: waiting for jobs'))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
