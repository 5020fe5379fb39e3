import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app';
import { configFromEnv, type AppConfig } from '../src/platform/config';
import { DataDirLockedError } from '../src/platform/db/embedded';
import { tempDir } from './harness';

describe('embedded data folder', () => {
  function embeddedConfig(dataDir: string): AppConfig {
    return { ...configFromEnv({}), databaseUrl: undefined, dataDir, port: 0, host: '127.0.0.1', development: false, log: () => {} };
  }

  it('keeps all data across a stop and restart', async () => {
    const { dir, remove } = await tempDir();
    try {
      const first = buildApp(embeddedConfig(dir));
      const running = await first.start();
      await running.services.agents.create({ email: 'keeper@example.com', password: 'persist-me-please', name: 'Keeper' });
      await first.stop();

      const second = buildApp(embeddedConfig(dir));
      const again = await second.start();
      const login = await fetch(`${again.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { login(email: "keeper@example.com", password: "persist-me-please") { agent { email } } }` }),
      }).then((r) => r.json());
      expect(login.data.login.agent.email).toBe('keeper@example.com');
      await second.stop();
    } finally {
      await remove();
    }
  });

  it('refuses a second server on the same folder, and the first keeps working', async () => {
    const { dir, remove } = await tempDir();
    try {
      const first = buildApp(embeddedConfig(dir));
      const running = await first.start();
      await running.services.agents.create({ email: 'first@example.com', password: 'first-server-pw', name: 'First' });

      const second = buildApp(embeddedConfig(dir));
      const error = await second.start().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(dir);

      expect((await fetch(`${running.url}/health`)).status).toBe(200);
      expect(await running.services.prisma.agent.count({ where: { email: 'first@example.com' } })).toBe(1);
      await first.stop();
    } finally {
      await remove();
    }
  });
});
