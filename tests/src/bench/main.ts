/**
 * `npm run bench`: the benchmark harness (ingest throughput, event-to-screen latency, rebuild, memory, query
 * latency) against the real server process. Options: `npm run bench -- --help`.
 */
import { parseBenchArgs, USAGE } from './bench-options.js';
import { formatTable, runBench } from './run-bench.js';

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { help: _help, ...benchOptions } = options;
  const results = await runBench(benchOptions);
  process.stdout.write(`\n${formatTable(results)}\n\nresults: ${benchOptions.json}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
