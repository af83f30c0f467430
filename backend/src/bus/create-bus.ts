import type { Bus } from './bus.js';
import { createInProcessBus } from './in-process-bus.js';
import type { NatsBus, NatsBusStreamOptions } from './nats/nats-bus.js';

export type BusKind = 'in-process' | 'nats';

export type BusConfig =
  | { kind: 'in-process' }
  | {
      kind: 'nats';
      /** one server or several, comma-separated: `nats://a:4222,nats://b:4222` */
      url: string;
      /** this node's connection name */
      name: string;
      /** the JetStream stream for durable (alert) subjects, default PKS_ALERTS on `pks.alerts.>` */
      stream?: NatsBusStreamOptions;
    };

/** The bus configuration from the environment: PKS_BUS=in-process|nats (default in-process), PKS_NATS_URL (default nats://127.0.0.1:4222). */
export function busConfigFromEnv(env: NodeJS.ProcessEnv, nodeName: string): BusConfig {
  const kind = env.PKS_BUS || 'in-process';
  if (kind === 'in-process') return { kind };
  if (kind === 'nats') return { kind, url: env.PKS_NATS_URL || 'nats://127.0.0.1:4222', name: nodeName };
  throw new Error(`PKS_BUS must be in-process or nats, not '${kind}'`);
}

/** Opens the configured bus; a NATS bus is connected (and its JetStream stream exists) when it resolves. */
export async function createBus(config: BusConfig): Promise<Bus> {
  if (config.kind === 'in-process') return createInProcessBus();
  const { createNatsBus } = await import('./nats/nats-bus.js');
  const servers = config.url.split(',').map((s) => s.trim()).filter(Boolean);
  return createNatsBus({ servers, name: config.name, ...(config.stream && { stream: config.stream }) });
}

/** True for the NATS bus, which also offers durable publish/subscribe (JetStream) and a connection state. */
export function isNatsBus(bus: Bus): bus is NatsBus {
  return bus.kind === 'nats' && typeof (bus as Partial<NatsBus>).publishDurable === 'function';
}
