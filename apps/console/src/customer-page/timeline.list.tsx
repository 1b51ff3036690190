import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { formatDateTime } from '../shared/format.js';
import { CustomerTimeline } from './customer-page.query.js';

const PAGE = 50;

type PageEnd = { hasNextPage: boolean; endCursor: string | null };

/**
 * Every event about the customer, newest first, fifty at a time: the next page loads when the end
 * of the list scrolls into view (or on the button, for keyboards). Remount it to start over.
 */
export function TimelineList({ customerId, asOf }: { customerId: string; asOf: string | null }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [ends, setEnds] = useState<Record<number, PageEnd>>({});
  const sentinel = useRef<HTMLDivElement>(null);
  const last = ends[cursors.length - 1];
  const next = last?.hasNextPage ? last.endCursor : null;

  const loadMore = useCallback(() => {
    if (next) setCursors((loaded) => (loaded.includes(next) ? loaded : [...loaded, next]));
  }, [next]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !next) return;
    // A new observer reports at once whether the end is already in view (a short page).
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) loadMore();
    }, { rootMargin: '200px' });
    observer.observe(target);
    return () => observer.disconnect();
  }, [next, loadMore]);

  const onPage = useCallback((index: number, end: PageEnd) => setEnds((known) => ({ ...known, [index]: end })), []);

  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol aria-labelledby="timeline-title" className="timeline">
        {cursors.map((after, index) => (
          <TimelinePage key={after ?? 'first'} index={index} customerId={customerId} asOf={asOf} after={after} onPage={onPage} />
        ))}
      </ol>
      <div ref={sentinel} className="timeline-end">
        {last === undefined ? (
          <p className="loading">Loading…</p>
        ) : next ? (
          <button type="button" className="secondary" onClick={loadMore}>
            Load older events
          </button>
        ) : (
          <p className="secondary-text">{cursors.length === 1 && !ends[0]?.endCursor ? 'No events.' : 'The beginning of this customer’s history.'}</p>
        )}
      </div>
    </section>
  );
}

interface PageProps {
  index: number;
  customerId: string;
  asOf: string | null;
  after: string | null;
  onPage: (index: number, end: PageEnd) => void;
}

const TimelinePage = memo(function TimelinePage({ index, customerId, asOf, after, onPage }: PageProps) {
  const [result] = useQuery({ query: CustomerTimeline, variables: { id: customerId, first: PAGE, after, asOf } });
  const timeline = result.data?.customer?.timeline;
  useEffect(() => {
    if (timeline) onPage(index, timeline.pageInfo);
  }, [timeline, index, onPage]);
  return (
    <>
      {timeline?.nodes.map((entry) => (
        <li key={entry.position}>
          <span className="timeline-summary">{entry.summary}</span>{' '}
          <time dateTime={entry.occurredAt} className="secondary-text">
            {formatDateTime(entry.occurredAt)}
          </time>
          {entry.recordedAt.slice(0, 16) !== entry.occurredAt.slice(0, 16) && (
            <span className="secondary-text"> · recorded {formatDateTime(entry.recordedAt)}</span>
          )}
        </li>
      ))}
    </>
  );
});
