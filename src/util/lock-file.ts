import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';

/**
 * Creates `file` with `text` only if it does not exist; the content is complete the moment the name appears (written
 * beside it, then hard-linked into place, which fails if the name exists). Where the link is refused otherwise, O_EXCL
 * creation, whose content follows (readers take an empty lock as not yet written); its errors propagate.
 */
export async function createExclusive(file: string, text: string, temps?: Set<string>): Promise<boolean> {
  const staged = `${file}.${process.pid}-${randomBytes(6).toString('hex')}`;
  temps?.add(staged);
  try {
    await fs.writeFile(staged, text, { flush: true });
    try {
      await fs.link(staged, file);
      return true;
    } catch (err) {
      // Any other refusal (no hard links here, EPERM, ENOTSUP, EXDEV…) falls back; a real fault fails there too.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    }
    try {
      await fs.writeFile(file, text, { flag: 'wx', flush: true });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  } finally {
    await fs.rm(staged, { force: true }).catch(() => undefined);
    temps?.delete(staged);
  }
}

/**
 * Removes the lock `file` if it still holds `judged` (the text of a holder judged dead): moved aside first (rename is
 * atomic, so of two processes taking it over only one moves it), then checked, and put back if another process took
 * it over in between. Whether it removed the judged lock. Errors other than the lock being gone propagate. `temps`, where
 * given, holds the staged or moved-aside names while they exist (so an exit hook can remove them).
 */
export async function removeIfUnchanged(file: string, judged: string, temps?: Set<string>): Promise<boolean> {
  const aside = `${file}.stale-${process.pid}-${randomBytes(6).toString('hex')}`;
  temps?.add(aside);
  try {
    await fs.rename(file, aside);
  } catch (err) {
    temps?.delete(aside);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => '');
  if (moved !== judged) await fs.link(aside, file).catch(() => undefined);
  await fs.rm(aside, { force: true }).catch(() => undefined);
  temps?.delete(aside);
  return moved === judged;
}
