import type { Bus } from './bus.js';
import { isNatsBus } from './create-bus.js';
import type { NatsBus } from './nats/nats-bus.js';

/**
 * A view of a bus in which every subject gets `prefix.` in front (PKS_NATS_SUBJECT_PREFIX): several installations
 * (or test runs) share one NATS without seeing each other's messages. Code above it keeps using `pks.live.…`.
 * A NATS bus stays a NATS bus (durable publish/subscribe, state) with the same prefixing.
 */
export function prefixedBus<B extends Bus>(bus: B, prefix: string): B {
  if (prefix === '') return bus;
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new Error(`a subject prefix is dot-separated tokens of letters, digits, _ and -, not '${prefix}'`);
  const add = (subject: string) => `${prefix}.${subject}`;
  const strip = (subject: string) => (subject.startsWith(`${prefix}.`) ? subject.slice(prefix.length + 1) : subject);
  const base: Bus = {
    kind: bus.kind,
    publish: (subject, message) => bus.publish(add(subject), message),
    subscribe: (pattern, handler) => bus.subscribe(add(pattern), (message, subject) => handler(message, strip(subject))),
    close: () => bus.close(),
  };
  if (!isNatsBus(bus)) return base as B;
  const nats: NatsBus = bus;
  const view: NatsBus = {
    ...base,
    kind: nats.kind,
    streamName: nats.streamName,
    publishDurable: (subject, message, options) => nats.publishDurable(add(subject), message, options),
    subscribeDurable: (subject, durableName, handler) => nats.subscribeDurable(add(subject), durableName, (message, s) => handler(message, strip(s))),
    state: () => nats.state(),
    onStateChange: (listener) => nats.onStateChange(listener),
    flush: () => nats.flush(),
    deleteDurableStream: () => nats.deleteDurableStream(),
  };
  return view as unknown as B;
}
