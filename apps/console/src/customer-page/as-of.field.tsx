import { useEffect, useId, useState } from 'react';
import { browserTimeZone, formatDateTime } from '../shared/format.js';

// datetime-local with seconds, in the browser's zone: a moment between two events a second apart.
function toLocalSeconds(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Time travel: the page as the ledger knew it at a moment; Now returns to the present. */
export function AsOfField({ asOf, onChange }: { asOf: string | null; onChange: (asOf: string | null) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(asOf ? toLocalSeconds(asOf) : '');
  useEffect(() => setDraft(asOf ? toLocalSeconds(asOf) : ''), [asOf]);
  return (
    <div className="as-of">
      <div className="field">
        <label htmlFor={id}>As of</label>
        <input
          id={id}
          type="datetime-local"
          step={1}
          value={draft}
          aria-describedby={`${id}-hint`}
          onChange={(event) => {
            setDraft(event.target.value);
            // Only a complete moment travels; a half-typed one waits.
            const date = event.target.value ? new Date(event.target.value) : null;
            if (date && !Number.isNaN(date.getTime())) onChange(date.toISOString());
          }}
        />
        <p id={`${id}-hint`} className="hint">
          Your time zone: {browserTimeZone()}
        </p>
      </div>
      <button type="button" className="secondary" onClick={() => onChange(null)} disabled={!asOf}>
        Now
      </button>
      {asOf && (
        <p className="notice as-of-notice">
          Showing the ledger as it was recorded up to {formatDateTime(asOf)} (to the second). The past is read-only: actions are hidden.
        </p>
      )}
    </div>
  );
}
