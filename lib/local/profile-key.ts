/**
 * The local cloud's profile data key (Secrets Manager's role in AWS): 32 random bytes, base64, kept in
 * the data folder so profiles sealed in one run stay readable in the next. Never replaced once written.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function ensureProfileKey(file: string): Promise<string> {
  if (existsSync(file)) {
    const key = (await readFile(file, 'utf8')).trim();
    if (Buffer.from(key, 'base64').length !== 32) throw new Error(`${file} must hold base64 of 32 bytes`);
    return key;
  }
  const key = randomBytes(32).toString('base64');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, `${key}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return key;
}
