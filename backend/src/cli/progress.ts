import cliProgress from 'cli-progress';

/** A progress bar on stderr (a plain line per second when stderr is not a terminal). */
export function progressBar(label: string, unit: string): { update(value: number, total: number, extra?: string): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {extra}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(value, total, extra = '') {
        if (!started) {
          bar.start(total, value, { extra });
          started = true;
        }
        bar.setTotal(total);
        bar.update(value, { extra });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(value, total, extra = '') {
      if (Date.now() - last < 1000 && value < total) return;
      last = Date.now();
      process.stderr.write(`${label}: ${value}/${total} ${unit} (${total > 0 ? Math.floor((value / total) * 100) : 100}%) ${extra}\n`);
    },
    stop() {},
  };
}
