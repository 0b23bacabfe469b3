// What draftsmith writes holds recipient data (private columns too), so every file it writes is
// 0600 and every folder it creates 0700, whatever the umask. The mode given to open/mkdir is only
// an upper bound (the umask removes bits, and an existing file keeps its own mode), so each is
// followed by an explicit chmod. Folders that already existed (the user's `--out .`) are left alone.
import { chmod, mkdir, open } from 'node:fs/promises';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** `mkdir -p dir`; each folder it creates ends up 0700. */
export async function makePrivateDir(dir: string): Promise<void> {
  const target = path.resolve(dir);
  const first = await mkdir(target, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return; // it all existed
  const top = path.resolve(first);
  for (let d = target; ; d = path.dirname(d)) {
    await chmod(d, PRIVATE_DIR_MODE);
    if (d === top || path.dirname(d) === d) break;
  }
}

/** Writes a whole file, 0600 even when `flag` 'w' replaces an existing one. */
export async function writePrivateFile(file: string, data: string, flag: 'w' | 'wx'): Promise<void> {
  const handle = await open(file, flag, PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
