import { spawn } from 'node:child_process';
import { PKS_BIN, type ServerProcess } from '../../support/server-process.js';

export type { ServerProcess };

/**
 * `pks start --data DIR --port 0 --no-simulation` of the built backend (as tests/src/support/server-process.ts), waiting
 * for "listening on http://…". PKS_E2E_BIN runs another build of the CLI (e.g. a patched copy) instead of this repo's.
 */
export async function startE2eServer(dataDir: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ServerProcess> {
  const bin = process.env.PKS_E2E_BIN ?? PKS_BIN;
  const child = spawn(process.execPath, [bin, 'start', '--data', dataDir, '--port', '0', '--no-simulation'], {
    env: { ...process.env, PKS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before listening:\n${output}`));
    });
  });
  return { url, child, output: () => output, exited };
}
