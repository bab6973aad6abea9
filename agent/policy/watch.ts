// Watches the rules folder (fs.watch: inotify) and calls `onChange` once things settle
// (editors write several events per save). The callback decides what a change means.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';

export interface FolderWatch { close(): void }

export function watchFolder(dir: string, debounceMs: number, onChange: () => void, logger: Logger): FolderWatch {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { timer = undefined; onChange(); }, debounceMs);
  };
  try {
    watcher = watch(dir, { persistent: false }, fire);
    watcher.on('error', (err) => logger.error({ err }, `watch rules folder ${dir}: ${err.message}; reloads stop`));
  } catch (err) {
    logger.error({ err }, `watch rules folder ${dir}: ${(err as Error).message}; changes will not be picked up`);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
