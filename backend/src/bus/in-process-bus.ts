import { subjectMatches, type Bus } from './bus.js';

/** The default bus: synchronous delivery inside one process. */
export function createInProcessBus(): Bus {
  const subscriptions = new Set<{ pattern: string; handler: (message: unknown, subject: string) => void }>();
  return {
    kind: 'in-process',
    publish(subject, message) {
      for (const s of subscriptions) {
        if (!subjectMatches(s.pattern, subject)) continue;
        try {
          s.handler(message, subject);
        } catch (error) {
          console.error(`bus handler for ${s.pattern} failed:`, error);
        }
      }
    },
    subscribe(pattern, handler) {
      const entry = { pattern, handler };
      subscriptions.add(entry);
      return () => subscriptions.delete(entry);
    },
    async close() {
      subscriptions.clear();
    },
  };
}
