// `npm start`: prepare the database (migrations, reference data, register), then run the API and the worker
// together. Ctrl-C stops both; if one dies, the other is stopped too so nothing half-runs.
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { API_MALLOC_ARENA_MAX, API_NODE_FLAGS, IMPORT_NODE_FLAGS } from './api/src/node-flags';

const children: ChildProcess[] = [];
let stopping = false;

function run(script: string, name: string, execArgv: readonly string[] = []): ChildProcess {
  const env = { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? API_MALLOC_ARENA_MAX };
  const child = fork(join(__dirname, script), [], { stdio: 'inherit', env, execArgv: [...process.execArgv, ...execArgv] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[launcher] ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stop(code = 0): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = setTimeout(() => process.exit(code), 10_000);
  deadline.unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// The seed streams its imports; a bounded heap makes V8 collect instead of growing (bench/imports/README.md).
const seed = fork(join(__dirname, 'cli/seed.js'), [], { stdio: 'inherit', env: process.env, execArgv: [...process.execArgv, ...IMPORT_NODE_FLAGS] });
seed.on('exit', (code) => {
  if (code !== 0) {
    console.error('[launcher] preparing the database failed; see above');
    process.exit(code ?? 1);
  }
  if (stopping) return;
  // Heap limits keep the API under 300 MB RSS through full exports (see api/src/node-flags.ts).
  run('api/src/main.js', 'api', API_NODE_FLAGS);
  run('worker/src/main.js', 'worker');
});
