import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in DATA_DIR that keeps a development server's generated JWT secret. */
export const DEV_SECRET_FILE = 'jwt-secret';

/**
 * The JWT secret of a development server without JWT_SECRET: generated at random on first start
 * and kept in the data directory (readable by its owner only), so tokens survive a restart and no
 * two installations share a secret. With DATA_DIR=memory it lives as long as the process.
 * Production never gets here: it requires JWT_SECRET (src/config.ts).
 */
export function developmentSecret(dataDir: string): { secret: string; created: boolean } {
  if (dataDir === 'memory') return { secret: randomBytes(48).toString('base64url'), created: true };
  const file = join(dataDir, DEV_SECRET_FILE);
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return { secret, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, created: true };
}
