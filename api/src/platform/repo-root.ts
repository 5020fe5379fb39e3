import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The workspace root (the folder with pnpm-workspace.yaml), found by walking up from `moduleUrl`.
 * A fixed `../..` breaks once the module is bundled into api/dist/, where every source file ends up
 * one level under api/.
 */
export function findRepoRoot(moduleUrl: string): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(
        `No pnpm-workspace.yaml above ${fileURLToPath(moduleUrl)}: the API must run inside the workspace layout (api/, prisma/, console/dist, widget/dist).`,
      );
    dir = parent;
  }
}
