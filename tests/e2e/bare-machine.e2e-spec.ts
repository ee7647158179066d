// `npm start` on a machine with Node only: neither DATABASE_URL nor REDIS_URL set. The built launcher runs
// the embedded PostgreSQL (a fresh data folder: the first start, initdb included), the seed, the API and the
// worker with the queues on PostgreSQL; a buyer and a company then search, publish a tender, run the
// matching and open a bid from a proposal. No process of the product ever talks to 127.0.0.1:5432 or :6379,
// and Ctrl-C leaves no PostgreSQL behind.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createOwnedStructure, villeurbanneTender } from '../support/bid-fixtures';
import { processTree, remotePorts } from '../support/sockets';
import { TestApp, signUp } from '../support/test-app';
import { waitForSearch } from '../support/web-fixtures';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'dist', 'apps', 'launcher.js');
const FORBIDDEN_PORTS = [5432, 6379];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('npm start on a machine with Node only (embedded PostgreSQL, queues on PostgreSQL)', () => {
  let launcher: ChildProcess;
  let output = '';
  let dataDir: string;
  let baseUrl: string;
  let t: TestApp;
  const portsSeen = new Set<number>();
  let sampler: NodeJS.Timeout;

  const sample = () => {
    if (launcher?.pid && launcher.exitCode === null) for (const port of remotePorts(processTree(launcher.pid))) portsSeen.add(port);
  };

  beforeAll(async () => {
    // `npm test` normally follows `npm run build` (CI, README); build once when it did not.
    if (!existsSync(LAUNCHER)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const folder = mkdtempSync(join(tmpdir(), 'inclusion-bare-'));
    chmodSync(folder, 0o755); // run as root, the server runs as the user postgres: it must enter the folder
    dataDir = join(folder, 'postgres');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), EMBEDDED_POSTGRES_DIR: dataDir, NODE_ENV: 'development', DEMO_STRUCTURES: '0' };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    launcher = spawn(process.execPath, [LAUNCHER], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    sampler = setInterval(sample, 200);
    t = { http: () => request(baseUrl) } as unknown as TestApp;
    const deadline = Date.now() + 240_000;
    for (;;) {
      if (launcher.exitCode !== null) throw new Error(`npm start exited (${launcher.exitCode}):\n${output.slice(-3000)}`);
      const health = await t.http().get('/health').catch(() => null);
      if (health?.status === 200 && health.body.status === 'ok') break; // 'indexing' while the seeded register is indexed
      if (Date.now() > deadline) throw new Error(`npm start not up within 240 s:\n${output.slice(-3000)}`);
      await sleep(250);
    }
  });

  afterAll(async () => {
    clearInterval(sampler);
    if (launcher?.exitCode === null) {
      launcher.kill('SIGKILL');
      const pid = postmasterPid();
      if (pid) process.kill(pid, 'SIGINT');
    }
    if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  function postmasterPid(): number | undefined {
    const file = join(dataDir, 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  }

  it('says what it runs: the embedded database, the PostgreSQL queue, PostgreSQL full text', async () => {
    const health = await t.http().get('/health').expect(200);
    expect(health.body).toEqual({
      status: 'ok',
      checks: { database: 'up', queue: 'up', search: 'up' },
      backends: { database: 'embedded', queue: 'postgres', search: 'postgres' },
    });
    expect(output).toContain('DATABASE_URL is not set: starting the embedded PostgreSQL');
    expect(output).toContain('REDIS_URL is not set: queues and login limits run on PostgreSQL');
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('searches the imported register, and indexes a new structure through the PostgreSQL queue', async () => {
    const found = await t.http().get('/api/v1/search/structures?q=baluchon').expect(200);
    expect(found.body.hits.map((hit: { siret: string }) => hit.siret)).toContain('80746931700018'); // a row of the 2020 register
    const supplier = await signUp(t, 'supplier');
    await createOwnedStructure(t, { ...supplier, id: supplier.id }, { name: 'Jardins Embarqués de Villeurbanne', kind: 'ACI', sectors: ['entretien-espaces-verts'] });
    await waitForSearch(t, `q=${encodeURIComponent('Jardins Embarqués')}`, 1, 30_000);
  });

  it('publishes a tender, computes a matching run on the worker and opens a bid from a proposal', async () => {
    const buyer = await signUp(t, 'buyer');
    const company = await signUp(t, 'company');
    const anchor = await createOwnedStructure(t, company, { name: 'Paysages Embarqués SAS', kind: 'COMPANY', sectors: ['entretien-espaces-verts', 'elagage-abattage'], annualRevenueEur: 2_000_000 });
    const tender = await t.http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender()).expect(201);
    await t.http().post(`/api/v1/tenders/${tender.body.id}/publish`).set(buyer.auth).expect((res) => expect(res.status).toBeLessThan(300));

    const queued = await t.http().post(`/api/v1/tenders/${tender.body.id}/matching-runs`).set(company.auth).send({ lots: [1], anchorStructureId: anchor.id }).expect(202);
    let run = queued.body;
    const deadline = Date.now() + 60_000;
    while (!['succeeded', 'failed'].includes(run.status) && Date.now() < deadline) {
      await sleep(200);
      run = (await t.http().get(`/api/v1/matching-runs/${queued.body.id}`).set(company.auth).expect(200)).body;
    }
    expect(run.status).toBe('succeeded');
    expect(run.proposals.length).toBeGreaterThan(0);

    const proposal = run.proposals[0];
    const bid = await t.http().post('/api/v1/bids').set(company.auth).send({ tenderId: tender.body.id, lots: [1], leadStructureId: anchor.id, fromProposalId: proposal.id }).expect(201);
    expect(bid.body).toMatchObject({ status: 'forming', tenderId: tender.body.id, fromProposalId: proposal.id });
  });

  it('never talked to the PostgreSQL on :5432 or the Redis on :6379 of the machine', () => {
    sample();
    expect(portsSeen.size).toBeGreaterThan(0); // the sampler sees the product's own connections
    expect(FORBIDDEN_PORTS.filter((port) => portsSeen.has(port))).toEqual([]);
  });

  it('Ctrl-C stops the API, the worker and the embedded PostgreSQL: no process left behind', async () => {
    const postgres = postmasterPid();
    expect(postgres).toBeGreaterThan(0);
    const tree = processTree(launcher.pid!);
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('embedded PostgreSQL stopped');
    const alive = [...tree, postgres!].filter((pid) => existsSync(`/proc/${pid}`));
    expect(alive).toEqual([]);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  });
});
