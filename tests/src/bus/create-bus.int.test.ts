import { busConfigFromEnv, createBus, isNatsBus } from '@pks/backend';
import { describe, expect, it } from 'vitest';

const NATS_URL = process.env.PKS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('createBus / busConfigFromEnv', () => {
  it('chooses the bus from PKS_BUS and PKS_NATS_URL', async () => {
    expect(busConfigFromEnv({}, 'node-1')).toEqual({ kind: 'in-process' });
    expect(busConfigFromEnv({ PKS_BUS: 'nats' }, 'node-1')).toEqual({ kind: 'nats', url: 'nats://127.0.0.1:4222', name: 'node-1' });
    expect(busConfigFromEnv({ PKS_BUS: 'nats', PKS_NATS_URL: 'nats://a:4222,nats://b:4222' }, 'n')).toMatchObject({ url: 'nats://a:4222,nats://b:4222' });
    expect(() => busConfigFromEnv({ PKS_BUS: 'kafka' }, 'n')).toThrow(/PKS_BUS/);

    const local = await createBus(busConfigFromEnv({}, 'node-1'));
    expect([local.kind, isNatsBus(local)]).toEqual(['in-process', false]);
    await local.close();

    const run = `t${process.pid.toString(36)}${Date.now().toString(36)}`;
    const nats = await createBus({
      ...busConfigFromEnv({ PKS_BUS: 'nats', PKS_NATS_URL: NATS_URL }, `factory-${run}`),
      stream: { name: `PKS_TEST_F_${run.toUpperCase()}`, subjects: [`pkstest.${run}.alerts.>`] },
    } as Parameters<typeof createBus>[0]);
    try {
      expect(nats.kind).toBe('nats');
      if (!isNatsBus(nats)) throw new Error('expected the NATS bus');
      expect(nats.state()).toBe('connected');
      const got: unknown[] = [];
      nats.subscribe(`pkstest.${run}.changes.>`, (m) => void got.push(m));
      await nats.flush();
      nats.publish(`pkstest.${run}.changes.x`, { ok: true });
      const ack = await nats.publishDurable(`pkstest.${run}.alerts.x`, { alert: true });
      expect(ack.seq).toBe(1);
      const deadline = Date.now() + 5000;
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(got).toEqual([{ ok: true }]);
      await nats.deleteDurableStream();
    } finally {
      await nats.close();
    }
  });
});
