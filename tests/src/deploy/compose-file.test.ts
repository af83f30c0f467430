import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server-process.js';

/**
 * deploy/ cannot be run here (no Docker engine), so its files are checked statically: the compose file is valid
 * YAML with the topology the README promises, the Dockerfile copies what exists, the proxy routes to every API node,
 * and every PKS_* variable the backend reads is in the configuration reference (and the compose file uses no
 * unknown one).
 */
const deploy = join(REPO_ROOT, 'deploy');
const read = (file: string) => readFileSync(join(deploy, file), 'utf8');

type Service = { image?: string; build?: { context: string; dockerfile: string }; command?: string[]; environment?: Record<string, string>; depends_on?: unknown; secrets?: string[]; profiles?: string[] };
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; secrets: Record<string, { file: string }>; volumes: Record<string, unknown> };

/** the backend's sources, without the alert engine's (its settings are documented with it: backend/src/alerts/) */
function backendSources(dir = join(REPO_ROOT, 'backend', 'src')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'alerts' ? [] : backendSources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('deploy/', () => {
  it('docker-compose.yml: PostgreSQL, a 3-node NATS cluster with JetStream, three `pks serve`, `pks project` with a standby, a proxy', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['api1', 'api2', 'api3', 'nats1', 'nats2', 'nats3', 'postgres', 'project1', 'project2', 'prometheus', 'proxy']);
    expect(s.postgres!.image).toMatch(/^postgres:1[2-9]/); // the leader lock's session sets tcp_user_timeout (PostgreSQL ≥ 12)
    for (const n of ['nats1', 'nats2', 'nats3']) {
      const cmd = s[n]!.command!;
      expect(cmd).toContain('-js');
      expect(cmd[cmd.indexOf('--cluster_name') + 1]).toBe('pks');
      const routes = cmd[cmd.indexOf('--routes') + 1]!.split(',');
      expect(routes.sort()).toEqual(['nats1', 'nats2', 'nats3'].filter((x) => x !== n).map((x) => `nats://${x}:6222`));
    }
    const pks = Object.entries(s).filter(([, svc]) => svc.image === 'pks-backend:latest');
    expect(pks.map(([name]) => name).sort()).toEqual(['api1', 'api2', 'api3', 'project1', 'project2']);
    const ids = new Set<string>();
    for (const [name, svc] of pks) {
      expect(svc.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
      expect(svc.command).toEqual([name.startsWith('api') ? 'serve' : 'project']);
      const env = svc.environment!;
      expect(env).toMatchObject({ PKS_STORE: 'postgres', PKS_BUS: 'nats', PKS_NODE_ID: name, PKS_HOST: '0.0.0.0' });
      expect(env.PKS_NATS_URL!.split(',')).toHaveLength(3);
      expect(env.PKS_STORE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      ids.add(env.PKS_NODE_ID!);
      for (const secret of svc.secrets ?? []) expect(compose.secrets[secret], secret).toBeDefined();
    }
    expect(ids.size).toBe(5);
    expect(s.proxy!.image).toMatch(/^caddy:/);
  });

  it('the Caddyfile proxies to every API node with health checks and keeps /metrics internal', () => {
    const caddy = read('Caddyfile');
    for (const api of ['api1', 'api2', 'api3']) expect(caddy).toContain(`${api}:3000`);
    expect(caddy).toContain('health_uri /api/v1/health');
    expect(caddy).toMatch(/@metrics path \/metrics\s+respond @metrics 404/);
    const prometheus = parse(read('prometheus.yml')) as { scrape_configs: { authorization: { credentials_file: string }; static_configs: { targets: string[] }[] }[] };
    const targets = prometheus.scrape_configs[0]!.static_configs.flatMap((c) => c.targets);
    expect(targets.sort()).toEqual(['api1:9464', 'api2:9464', 'api3:9464', 'project1:9464', 'project2:9464']);
  });

  it('the Dockerfile copies what exists and runs the pks CLI', () => {
    const dockerfile = read('Dockerfile');
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of m[1]!.split(' ')) expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
    }
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "backend\/bin\/pks.js"\]$/m);
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(existsSync(join(deploy, 'Dockerfile.dockerignore'))).toBe(true);
  });

  it('documents every PKS_* variable the backend reads, and the compose file uses only those', () => {
    const variables = new Set<string>();
    for (const file of backendSources()) {
      for (const m of readFileSync(file, 'utf8').matchAll(/env(?:\.|\[')(PKS_[A-Z0-9_]+)/g)) variables.add(m[1]!);
    }
    // the variables added for several nodes are certainly among them
    for (const v of ['PKS_STORE', 'PKS_STORE_URL', 'PKS_STORE_SCHEMA', 'PKS_BUS', 'PKS_NATS_URL', 'PKS_NODE_ID', 'PKS_LEADER_LOCK', 'PKS_METRICS_TOKEN', 'PKS_METRICS_PORT']) expect(variables).toContain(v);
    const guide = read('README.md');
    const documented = new Set([...guide.matchAll(/^\| `(PKS_[A-Z0-9_]+)`/gm)].map((m) => m[1]!));
    expect([...variables].filter((v) => !documented.has(v)).sort()).toEqual([]);
    const used = new Set(Object.values(compose.services).flatMap((svc) => Object.keys(svc.environment ?? {})));
    expect([...used].filter((v) => v.startsWith('PKS_') && !variables.has(v))).toEqual([]);
  });
});
