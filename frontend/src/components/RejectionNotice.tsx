import type { ReactNode } from 'react';
import { useApp } from '../app/app-context';

/**
 * A rejected or failed action in plain words. The server's own message (English, with the figures: "only 5.8 h rest
 * before …") is shown under it in English and kept as the tooltip in Swedish.
 */
export function RejectionNotice({ text, detail, children, testId = 'rejection' }: { text: string; detail: string | null; children?: ReactNode; testId?: string }) {
  const { language } = useApp();
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} title={detail ?? undefined}>
      <span aria-hidden="true">⚠ </span>
      {text}
      {detail && language === 'en' && detail !== text && <span className="small notice-detail"> — {detail}</span>}
      {children}
    </div>
  );
}
