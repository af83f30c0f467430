/**
 * The bus port: publish/subscribe of change sets and alerts. Subjects are dot-separated; a subscription may use
 * NATS wildcards (`*` one token, `>` the rest). In-process by default; NATS when several nodes run.
 */
export interface Bus {
  readonly kind: string;
  publish(subject: string, message: unknown): void;
  subscribe(subject: string, handler: (message: unknown, subject: string) => void): () => void;
  close(): Promise<void>;
}

export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i += 1) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
