import { parseArgs } from 'node:util';
import { allProjections } from '@pks/projections';
import { Role } from '@pks/contracts';
import { issueEmbeddedToken, loadOrCreateEmbeddedSecret } from '../auth/token-verifier.js';
import { configFromEnv, dataPaths } from '../config/config.js';
import { openEventStore, openSnapshotStore } from '../cluster/node-resources.js';
import { CatalogFeed } from '../ingest/catalog-feed.js';
import { IngestService } from '../ingest/ingest-service.js';
import { rebuildProjections } from '../projection-runner/projection-runner.js';
import { startPlatform } from '../platform/start-platform.js';
import { VERSION } from '../platform/version.js';
import { importFile } from './import-file.js';
import { progressBar } from './progress.js';
import { simulateCommand } from './simulate.js';

const USAGE = `pks ${VERSION} — real-time staffing monitor (PKS)

Usage: pks <command> [options]        (from the repository: npm run pks -- <command>)

Commands:
  start                 start the platform (embedded: SQLite store, in-process bus, simulated hospital, dashboard)
      --port N          HTTP port (default 3000, env PKS_PORT)
      --host H          bind address (default 127.0.0.1, env PKS_HOST)
      --data DIR        data directory (default ./data, env PKS_DATA_DIR)
      --no-simulation   do not feed the simulated hospital (env PKS_SIMULATION=off)
  serve                 an API and live-gateway node of a multi-node setup (PKS_STORE=postgres, PKS_BUS=nats): ingest,
                        queries and socket.io from its own read replica; run several behind a proxy
  project               the projection runner of a multi-node setup: follows the log, and while it holds the leader
                        lock publishes live changes on NATS and writes the shared snapshot; run two (one standby)
  rebuild               replay the whole log into fresh projections, with progress; saves them as the snapshot
  import FILE           import events from an NDJSON (.ndjson) or JSON array (.json) file through the API's validation
      --atomic          (JSON files) store nothing unless every event is valid
  token                 issue an embedded-mode bearer token
      --role R          integration | manager | staffing-centre | tactical | admin (default integration)
      --sub S           subject (client or user id, default: the role)
      --units A,B       units (manager)   --pools P   pools (staffing centre)   --departments D   departments (tactical)
      --ttl 12h         lifetime (e.g. 30m, 12h, 30d)
  simulate              write the simulated hospital's history as NDJSON (setup events first), for import and benchmarks
      --out FILE        the NDJSON file to write (replaced)
      --scale S         tiny | small | medium | large (default small)   --seed N   (default 42)
      --from DATE       first day (YYYY-MM-DD = midnight UTC, or an ISO instant; default 2026-01-05)
      --to DATE         end, exclusive (default: 7 days after --from)
      --prologue        also the earlier events that still matter at --from   --no-faults   no invalid/duplicate events
  help                  this text

Stop the server with Ctrl-C: it writes a projection snapshot and closes the store.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'no-simulation': { type: 'boolean' },
      atomic: { type: 'boolean' },
      role: { type: 'string' },
      sub: { type: 'string' },
      units: { type: 'string' },
      pools: { type: 'string' },
      departments: { type: 'string' },
      ttl: { type: 'string' },
      name: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      prologue: { type: 'boolean' },
      'no-faults': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'help';
  const env = { ...process.env };
  if (values.data) env.PKS_DATA_DIR = values.data;
  if (values.port) env.PKS_PORT = values.port;
  if (values.host) env.PKS_HOST = values.host;
  if (values['no-simulation']) env.PKS_SIMULATION = 'off';
  const config = configFromEnv(env);
  const paths = dataPaths(config.dataDir);
  const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

  switch (command) {
    case 'start':
    case 'serve':
    case 'project': {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const platform =
        command === 'serve'
          ? await (await import('../cluster/start-serve-node.js')).startServeNode(config, log)
          : command === 'project'
            ? await (await import('../cluster/start-project-node.js')).startProjectNode(config, log)
            : await startPlatform(config, log);
      const stop = (signal: string) => {
        process.stderr.write(`${signal}: stopping (writing projection snapshot)…\n`);
        platform.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      return new Promise<number>(() => {});
    }
    case 'rebuild': {
      const store = await openEventStore(config);
      const { snapshots } = await openSnapshotStore(config);
      const bar = progressBar('rebuild', 'events');
      const result = await rebuildProjections({
        store,
        projections: allProjections(),
        snapshots,
        onProgress: (p) => bar.update(p.position, p.head, `${Math.round(p.events / Math.max(p.elapsedMs / 1000, 0.001))} events/s`),
      });
      bar.stop();
      process.stdout.write(
        `rebuilt ${allProjections().length} projections from ${result.events} events to position ${result.position} in ${(result.elapsedMs / 1000).toFixed(1)} s (${Math.round(result.events / Math.max(result.elapsedMs / 1000, 0.001))} events/s)\n`,
      );
      await snapshots.close();
      await store.close();
      return 0;
    }
    case 'import': {
      const file = positionals[1];
      if (!file) throw new Error('usage: pks import FILE (.ndjson or .json)');
      const store = await openEventStore(config);
      const { snapshots } = await openSnapshotStore(config);
      const catalog = new CatalogFeed(store, snapshots);
      await catalog.start();
      const service = new IngestService(store, catalog);
      const bar = progressBar('import', 'bytes');
      const summary = await importFile(file, service, {
        atomic: values.atomic === true,
        actor: 'pks-import',
        onProgress: (bytes, total, s) => bar.update(bytes, total, `${s.appended} appended, ${s.duplicates} duplicates, ${s.rejected} rejected`),
      });
      bar.stop();
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      await catalog.stop();
      await snapshots.close();
      await store.close();
      return summary.rejected + summary.conflicts > 0 ? 2 : 0;
    }
    case 'token': {
      if (config.auth.mode !== 'embedded') throw new Error('tokens are issued by your OIDC provider when PKS_AUTH_MODE=oidc');
      const role = Role.parse(values.role ?? 'integration');
      const token = await issueEmbeddedToken(loadOrCreateEmbeddedSecret(config.authSecretFile ?? paths.secret), {
        sub: values.sub ?? role,
        role,
        ...(values.name && { name: values.name }),
        units: list(values.units),
        pools: list(values.pools),
        departments: list(values.departments),
        expiresIn: values.ttl ?? (role === 'integration' ? '30d' : '12h'),
      });
      process.stdout.write(`${token}\n`);
      return 0;
    }
    case 'simulate': {
      const summary = await simulateCommand({
        ...(values.scale !== undefined && { scale: values.scale }),
        ...(values.seed !== undefined && { seed: values.seed }),
        ...(values.from !== undefined && { from: values.from }),
        ...(values.to !== undefined && { to: values.to }),
        ...(values.out !== undefined && { out: values.out }),
        prologue: values.prologue === true,
        noFaults: values['no-faults'] === true,
      });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return 0;
    }
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`unknown command '${command}'\n\n${USAGE}\n`);
      return 64;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`pks: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
