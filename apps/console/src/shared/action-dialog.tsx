import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  submitLabel: string;
  busy: boolean;
  /** Something about the whole form (not one field): a stale version, a refused transition. */
  notice?: string | null;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}

/** A modal form (native <dialog>, so focus is trapped and Escape closes it), named by its title. */
export function ActionDialog({ title, submitLabel, busy, notice, onSubmit, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<HTMLElement | null | undefined>(undefined);
  useEffect(() => {
    const dialog = ref.current;
    // Taken once: StrictMode runs this effect twice, the second time with focus already inside.
    if (opener.current === undefined) opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // Unmounting removes it from the top layer: no close() in a cleanup (StrictMode would fire onClose).
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      // Really gone (not StrictMode's rehearsal): focus goes back to the button that opened it, if it is still there.
      queueMicrotask(() => {
        if (!dialog?.isConnected && opener.current?.isConnected) opener.current.focus();
      });
    };
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {notice && (
          <p role="alert" className="notice">
            {notice}
          </p>
        )}
        {children}
        <div className="dialog-buttons">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
