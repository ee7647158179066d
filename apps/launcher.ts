// `npm start`: prepare the database (migrations, reference data, register), then run the API and the worker
// together. Ctrl-C stops both; if one dies, the other is stopped too so nothing half-runs.
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

const children: ChildProcess[] = [];
let stopping = false;

function run(script: string, name: string): ChildProcess {
  const child = fork(join(__dirname, script), [], { stdio: 'inherit', env: process.env });
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

const seed = fork(join(__dirname, 'cli/seed.js'), [], { stdio: 'inherit', env: process.env });
seed.on('exit', (code) => {
  if (code !== 0) {
    console.error('[launcher] preparing the database failed; see above');
    process.exit(code ?? 1);
  }
  if (stopping) return;
  run('api/src/main.js', 'api');
  run('worker/src/main.js', 'worker');
});
