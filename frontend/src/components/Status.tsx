import type { ApiError } from '../api/http';
import { useT } from '../app/app-context';

/** Loading and error states of a panel; a missing route (404 "no route") says so plainly. */
export function LoadState({ loading, error, path, onRetry }: { loading: boolean; error: ApiError | null; path?: string; onRetry?: () => void }) {
  const t = useT();
  if (error) {
    const noRoute = error.status === 404 && /no route|not found$/i.test(error.message);
    const text =
      noRoute || error.status === 501
        ? t('notAvailable', { path: `/api/v1/${path ?? error.path}`, status: error.status })
        : error.status === 403
          ? t('forbidden', { message: error.message })
          : error.status === 404
            ? t('notFound', { message: error.message })
            : `${t('errorPrefix')}: ${error.message}`;
    return (
      <div className={`notice ${noRoute ? 'notice-missing' : 'notice-error'}`} role="alert" data-status={error.status}>
        <span aria-hidden="true">{noRoute ? 'ⓘ ' : '⚠ '}</span>
        {text}
        {onRetry && !noRoute && (
          <button type="button" className="link-button" onClick={onRetry}>
            {t('retry')}
          </button>
        )}
      </div>
    );
  }
  if (loading) return <p className="muted" aria-busy="true">{t('loading')}</p>;
  return null;
}
