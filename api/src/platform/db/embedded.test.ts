import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE_NAME, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';

// Initialising an empty data folder takes a few seconds.
const TIMEOUT = 120_000;

const running: EmbeddedPostgres[] = [];
const pools: pg.Pool[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
  await Promise.all(running.splice(0).map((db) => db.stop()));
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-pg-test-'));
  tempDirs.push(dir);
  return dir;
}

async function start(dataDir: string | null): Promise<EmbeddedPostgres> {
  const db = await startEmbeddedPostgres({ dataDir, maxConnections: 20 });
  running.push(db);
  return db;
}

function poolFor(db: EmbeddedPostgres, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: db.url, max });
  pools.push(pool);
  return pool;
}

async function closePool(pool: pg.Pool): Promise<void> {
  pools.splice(pools.indexOf(pool), 1);
  await pool.end();
}

async function count(pool: pg.Pool | pg.PoolClient, table: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not spawn a short-lived process');
  return child.pid;
}

/** Settles to 'pending' if `promise` has not settled within `ms`. */
function stateAfter(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

const socketPathOf = (db: EmbeddedPostgres) => path.join(db.socketDir, '.s.PGSQL.5432');

/** Inodes of the TCP sockets listening on this machine (state 0A), from /proc/net/tcp{,6}. */
function listeningTcpInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A') inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/** The TCP sockets this process (every thread: the worker's too) listens on. */
function ownListeningTcpSockets(): string[] {
  const listening = listeningTcpInodes();
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1])
    .filter((inode): inode is string => !!inode && listening.has(inode));
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startEmbeddedPostgres', () => {
  it(
    'keeps data across stop and start on the same folder',
    async () => {
      const dir = tempDir();
      const first = await start(dir);
      expect(first.url).toBe(`postgresql://postgres@localhost:5432/postgres?host=${encodeURIComponent(path.join(dir, '.socket'))}`);
      expect(first.dataDir).toBe(dir);

      const pool = poolFor(first);
      await pool.query('CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)');
      await pool.query(`INSERT INTO note SELECT i, 'note ' || i FROM generate_series(1, 100) AS i`);
      await closePool(pool);
      await first.stop();
      expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);

      const second = await start(dir);
      const again = poolFor(second);
      expect(await count(again, 'note')).toBe(100);
      const { rows } = await again.query('SELECT body FROM note WHERE id = 42');
      expect(rows).toEqual([{ body: 'note 42' }]);
    },
    TIMEOUT,
  );

  it(
    'refuses a second server on a folder in use, and the first keeps working',
    async () => {
      const dir = tempDir();
      const first = await start(dir);
      const pool = poolFor(first);
      await pool.query('CREATE TABLE item (id int PRIMARY KEY)');
      await pool.query('INSERT INTO item SELECT generate_series(1, 50)');

      const second = startEmbeddedPostgres({ dataDir: dir });
      await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
      const error = (await second.catch((e: unknown) => e)) as DataDirLockedError;
      expect(error.message).toContain(dir);
      expect(error.message).toContain(String(process.pid));
      expect(error.pid).toBe(process.pid);

      expect(fs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8').split('\n')[0]).toBe(String(process.pid));
      await pool.query('INSERT INTO item VALUES (51)');
      expect(await count(pool, 'item')).toBe(51);

      await closePool(pool);
      await first.stop();
      const third = await start(dir);
      expect(await count(poolFor(third), 'item')).toBe(51);
    },
    TIMEOUT,
  );

  it(
    'opens a folder only once when two servers start on it at the same time',
    async () => {
      const dir = tempDir();
      const outcomes = await Promise.allSettled([startEmbeddedPostgres({ dataDir: dir }), startEmbeddedPostgres({ dataDir: dir })]);
      const opened = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      running.push(...opened);
      const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));

      expect(opened).toHaveLength(1);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toBeInstanceOf(DataDirLockedError);
      expect(await count(poolFor(opened[0]!), 'pg_class')).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'takes over a stale lock whose process is gone',
    async () => {
      const dir = tempDir();
      const lockFile = path.join(dir, LOCK_FILE_NAME);
      const stalePid = deadPid();
      fs.writeFileSync(lockFile, `${stalePid}\nleft-behind\n`);

      const db = await start(dir);
      expect(fs.readFileSync(lockFile, 'utf8').split('\n')[0]).toBe(String(process.pid));
      expect(await count(poolFor(db), 'pg_class')).toBeGreaterThan(0);
      await expect(startEmbeddedPostgres({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    },
    TIMEOUT,
  );

  it(
    'recovers committed rows and takes over the lock after its process was killed',
    async () => {
      const dir = tempDir();
      const apiRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
      const script = `
        import { startEmbeddedPostgres } from ${JSON.stringify(fileURLToPath(new URL('./embedded.ts', import.meta.url)))};
        import pg from 'pg';
        const db = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dir)} });
        const client = new pg.Client(db.url);
        await client.connect();
        await client.query('CREATE TABLE survivor (id int PRIMARY KEY)');
        await client.query('INSERT INTO survivor SELECT generate_series(1, 1000)');
        process.kill(process.pid, 'SIGKILL');
      `;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: apiRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      expect(signal, stderr).toBe('SIGKILL');
      expect(fs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8').split('\n')[0]).toBe(String(child.pid));

      const db = await start(dir);
      expect(await count(poolFor(db), 'survivor')).toBe(1000);
    },
    TIMEOUT,
  );

  it(
    'serves many concurrent connections',
    async () => {
      const db = await start(null);
      const pool = poolFor(db, 10);
      await pool.query('CREATE TABLE hit (id int PRIMARY KEY, label text NOT NULL)');

      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          if (i % 2 === 0) {
            await pool.query('INSERT INTO hit (id, label) VALUES ($1, $2)', [i, `label ${i}`]);
            return true;
          }
          // Differently shaped statements, so a mix-up between connections would show.
          const column = `n${i % 7}`;
          const { rows } = await pool.query(`SELECT $1::int AS ${column}, $2::text AS s`, [i, `s${i}`]);
          return rows[0][column] === i && rows[0].s === `s${i}`;
        }),
      );

      expect(results.every(Boolean)).toBe(true);
      expect(pool.totalCount).toBe(10);
      expect(await count(pool, 'hit')).toBe(100);
      const { rows } = await pool.query('SELECT label FROM hit WHERE id = 198');
      expect(rows).toEqual([{ label: 'label 198' }]);
    },
    TIMEOUT,
  );

  // pglite-socket alone interleaves one connection's Parse…Sync with another's when a message
  // arrives in several socket reads; "bind message supplies 2 parameters" errors showed it.
  it(
    'keeps each connection’s extended-protocol exchange together, even with large parameters',
    async () => {
      const db = await start(null);
      const pool = poolFor(db, 10);
      const big = 'x'.repeat(300_000);

      const outcomes = await Promise.allSettled(
        Array.from({ length: 200 }, async (_, i) => {
          if (i % 5 === 0) {
            const { rows } = await pool.query('SELECT length($1::text) AS len, $2::int AS id', [big, i]);
            return rows[0].len === big.length && rows[0].id === i;
          }
          const column = `n${i % 7}`;
          const { rows } = await pool.query(`SELECT $1::int AS ${column}`, [i]);
          return rows[0][column] === i;
        }),
      );

      const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason));
      expect(failures).toEqual([]);
      expect(outcomes.every((o) => o.status === 'fulfilled' && o.value)).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'runs transactions of different connections one after the other, never interleaved',
    async () => {
      const db = await start(null);
      const pool = poolFor(db, 3);
      await pool.query('CREATE TABLE entry (label text PRIMARY KEY)');
      const a = await pool.connect();
      const b = await pool.connect();
      const c = await pool.connect();
      try {
        await a.query('BEGIN');
        await a.query(`INSERT INTO entry VALUES ('a')`);

        // PGlite has one backend: while A's transaction is open, B and C wait their turn.
        const bBegins = b.query('BEGIN');
        const cCounts = count(c, 'entry');
        expect(await stateAfter(bBegins, 300)).toBe('pending');
        expect(await stateAfter(cCounts, 0)).toBe('pending');

        expect(await count(a, 'entry')).toBe(1);
        await a.query('ROLLBACK');
        await bBegins;

        await b.query(`INSERT INTO entry VALUES ('b')`);
        const { rows } = await b.query('SELECT label FROM entry');
        expect(rows).toEqual([{ label: 'b' }]); // A's rolled-back row never shows

        const aWaits = a.query(`INSERT INTO entry VALUES ('a2')`);
        expect(await stateAfter(aWaits, 300)).toBe('pending');
        await b.query('COMMIT');
        await aWaits;

        // C's count was queued before B began, yet ran only after B's commit and before A's insert.
        expect(await cCounts).toBe(1);
        const final = await c.query('SELECT label FROM entry ORDER BY label');
        expect(final.rows).toEqual([{ label: 'a2' }, { label: 'b' }]);
      } finally {
        a.release();
        b.release();
        c.release();
      }
    },
    TIMEOUT,
  );

  it(
    'keeps a failed transaction to its own connection until it rolls back',
    async () => {
      const db = await start(null);
      const pool = poolFor(db, 2);
      await pool.query('CREATE TABLE thing (id int PRIMARY KEY)');
      const a = await pool.connect();
      const b = await pool.connect();
      try {
        await a.query('BEGIN');
        await a.query('INSERT INTO thing VALUES (1)');
        await expect(a.query('INSERT INTO thing VALUES (1)')).rejects.toThrow(/duplicate key/);

        const bInserts = b.query('INSERT INTO thing VALUES (2)');
        expect(await stateAfter(bInserts, 300)).toBe('pending');
        await expect(a.query('SELECT 1')).rejects.toThrow(/current transaction is aborted/);
        await a.query('ROLLBACK');
        await bInserts;

        const { rows } = await a.query('SELECT id FROM thing');
        expect(rows).toEqual([{ id: 2 }]);
      } finally {
        a.release();
        b.release();
      }
    },
    TIMEOUT,
  );

  it(
    'keeps in-memory databases apart and unlocked',
    async () => {
      const first = await start(null);
      const second = await start(null);
      expect(first.dataDir).toBeNull();
      expect(first.url).not.toBe(second.url);

      const pool = poolFor(first);
      await pool.query('CREATE TABLE only_here (id int)');
      await pool.query('INSERT INTO only_here VALUES (1), (2)');
      expect(await count(pool, 'only_here')).toBe(2);
      await expect(poolFor(second).query('SELECT * FROM only_here')).rejects.toThrow(/does not exist/);
    },
    TIMEOUT,
  );

  it(
    'starts an in-memory database as a copy of a dump, which later writes to the copy leave alone',
    async () => {
      const source = await start(null);
      const pool = poolFor(source);
      await pool.query('CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)');
      await pool.query(`INSERT INTO note SELECT i, 'note ' || i FROM generate_series(1, 50) AS i`);
      const file = path.join(tempDir(), 'template.tar');
      await source.dumpTo(file);
      expect(fs.statSync(file).size).toBeGreaterThan(0);

      const copies = await Promise.all([1, 2].map(() => startEmbeddedPostgres({ dataDir: null, template: file })));
      running.push(...copies);
      const [a, b] = copies.map((db) => poolFor(db));
      expect(await count(a!, 'note')).toBe(50);
      await a!.query('DELETE FROM note WHERE id > 10');
      expect(await count(a!, 'note')).toBe(10);
      expect(await count(b!, 'note')).toBe(50);
      expect(await count(pool, 'note')).toBe(50);
      await expect(startEmbeddedPostgres({ dataDir: null, template: path.join(tempDir(), 'missing.tar') })).rejects.toThrow(/ENOENT|missing\.tar/);
      // Two dumps at once each get their own reply; a stopped database refuses to dump.
      const [one, two] = [path.join(tempDir(), 'one.tar'), path.join(tempDir(), 'two.tar')];
      await Promise.all([source.dumpTo(one), source.dumpTo(two)]);
      for (const dump of [one, two]) expect(fs.statSync(dump).size).toBeGreaterThan(0);
      await closePool(pool);
      await source.stop();
      await expect(source.dumpTo(path.join(tempDir(), 'late.tar'))).rejects.toThrow(/stopped/);
    },
    TIMEOUT,
  );

  it(
    'stops idempotently and closes its socket',
    async () => {
      const dir = tempDir();
      const db = await start(dir);
      expect(await canConnect(socketPathOf(db))).toBe(true);

      await Promise.all([db.stop(), db.stop()]);
      await db.stop();
      expect(await canConnect(socketPathOf(db))).toBe(false);
      expect(fs.existsSync(socketPathOf(db))).toBe(false);
      expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'listens on no TCP port, only on an owner-only Unix socket in an owner-only folder',
    async () => {
      const dir = tempDir();
      const before = ownListeningTcpSockets();
      const onDisk = await start(dir);
      const inMemory = await start(null);
      expect(ownListeningTcpSockets()).toEqual(before);

      for (const db of [onDisk, inMemory]) {
        expect(new URL(db.url).searchParams.get('host')).toBe(db.socketDir);
        expect(modeOf(db.socketDir)).toBe(0o700);
        expect(fs.statSync(socketPathOf(db)).isSocket()).toBe(true);
        expect(modeOf(socketPathOf(db))).toBe(0o600);
        const pool = poolFor(db);
        expect(await count(pool, 'pg_class')).toBeGreaterThan(0);
        await closePool(pool);
      }
      expect(onDisk.socketDir).toBe(path.join(dir, '.socket'));

      // The in-memory database's private folder goes away with it.
      await inMemory.stop();
      expect(fs.existsSync(inMemory.socketDir)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'makes a loosened socket folder owner-only again, and replaces a socket left by a crash',
    async () => {
      const dir = tempDir();
      fs.mkdirSync(path.join(dir, '.socket'), { mode: 0o777 });
      fs.chmodSync(path.join(dir, '.socket'), 0o777);
      // What a crashed server leaves behind: listening on it would fail with EADDRINUSE.
      fs.writeFileSync(path.join(dir, '.socket', '.s.PGSQL.5432'), '');
      const db = await start(dir);
      expect(modeOf(db.socketDir)).toBe(0o700);
      expect(fs.statSync(socketPathOf(db)).isSocket()).toBe(true);
      expect(await count(poolFor(db), 'pg_class')).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'rejects with the reason when PGlite cannot open the folder, and releases the lock',
    async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'PG_VERSION'), '9\n');

      await expect(startEmbeddedPostgres({ dataDir: dir })).rejects.toThrow(
        new RegExp(`failed to open ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*postgresql\\.conf`),
      );
      expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
    },
    TIMEOUT,
  );
});
