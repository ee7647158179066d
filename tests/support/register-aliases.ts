// Jest's moduleNameMapper does not apply to globalSetup; this resolves `@app/<lib>` there the same way.
import Module from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const moduleWithResolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  const match = /^@app\/([a-z]+)(\/.*)?$/.exec(request);
  if (match) request = join(root, 'libs', match[1], 'src', match[2] ?? 'index');
  return resolve.call(this, request, ...rest);
};
