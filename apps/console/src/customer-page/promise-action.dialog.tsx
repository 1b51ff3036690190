import { useState } from 'react';
import { useMutation } from 'urql';
import { apiProblem, isStale, type ApiProblem } from '../shared/api-errors.js';
import { formatDateTime, fromLocalInput } from '../shared/format.js';
import { AmendPromise, BreakPromise, KeepPromise, PausePromise, ReleasePromise, ResumePromise, type OpenPromise } from './customer-page.query.js';
import { ActionDialog } from '../shared/action-dialog.js';
import { LabelledField } from '../shared/labelled-field.js';

export type PromiseAction = 'Keep' | 'Break' | 'Amend' | 'Pause' | 'Resume' | 'Release';

const TITLES: Record<PromiseAction, { title: string; submit: string }> = {
  Keep: { title: 'Keep promise', submit: 'Mark kept' },
  Break: { title: 'Break promise', submit: 'Mark broken' },
  Amend: { title: 'Amend promise', submit: 'Save new due date' },
  Pause: { title: 'Pause promise', submit: 'Pause the clock' },
  Resume: { title: 'Resume promise', submit: 'Resume the clock' },
  Release: { title: 'Release promise', submit: 'Release' },
};

interface Props {
  action: PromiseAction;
  /** The promise as the row showed it when the dialog opened. */
  promise: OpenPromise;
  /** The same promise as the page knows it now (null once it is no longer open). */
  current: OpenPromise | null;
  onDone: () => void;
  onStale: () => void;
  onClose: () => void;
}

/** Asks what the transition needs and runs it against the version the agent saw. */
export function PromiseActionDialog({ action, promise, current, onDone, onStale, onClose }: Props) {
  const [text, setText] = useState('');
  const [dueBy, setDueBy] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [keep, runKeep] = useMutation(KeepPromise);
  const [breakIt, runBreak] = useMutation(BreakPromise);
  const [amend, runAmend] = useMutation(AmendPromise);
  const [release, runRelease] = useMutation(ReleasePromise);
  const [pause, runPause] = useMutation(PausePromise);
  const [resume, runResume] = useMutation(ResumePromise);
  const busy = keep.fetching || breakIt.fetching || amend.fetching || release.fetching || pause.fetching || resume.fetching;
  const [stale, setStale] = useState(false);
  // The agent decided on what the row showed when the dialog opened; once told it changed, on the reloaded promise.
  const shown = stale ? (current ?? promise) : promise;

  const submit = async () => {
    const id = promise.id;
    const expectedVersion = shown.version;
    let result;
    switch (action) {
      case 'Keep':
        result = await runKeep({ input: { id, expectedVersion, ...(text.trim() ? { evidence: text.trim() } : {}) } });
        break;
      case 'Break':
        result = await runBreak({ input: { id, expectedVersion, reason: text } });
        break;
      case 'Release':
        result = await runRelease({ input: { id, expectedVersion, reason: text } });
        break;
      case 'Pause':
        result = await runPause({ input: { id, expectedVersion, reason: text } });
        break;
      case 'Resume':
        result = await runResume({ input: { id, expectedVersion } });
        break;
      case 'Amend': {
        const iso = fromLocalInput(dueBy);
        if (!iso) {
          setProblem({ code: 'BAD_USER_INPUT', message: 'Enter the new due date.', fields: { dueBy: 'Enter the new due date and time.' } });
          return;
        }
        result = await runAmend({ input: { id, expectedVersion, dueBy: iso, reason: text } });
        break;
      }
    }
    const failure = apiProblem(result.error);
    setProblem(failure);
    if (!failure) onDone();
    else if (isStale(failure)) {
      setStale(true);
      onStale();
    }
  };

  const notice = isStale(problem)
    ? current
      ? 'Someone else changed this promise while you were looking at it. It has been reloaded: check it and try again.'
      : 'Someone else changed this promise while you were looking at it: it is no longer open.'
    : problem && Object.keys(problem.fields).length === 0
      ? problem.message
      : null;
  const reasonLabel = action === 'Keep' ? 'Evidence (optional)' : 'Reason';
  const reasonField = action === 'Keep' ? 'evidence' : 'reason';

  return (
    <ActionDialog title={TITLES[action].title} submitLabel={TITLES[action].submit} busy={busy || (stale && !current)} notice={notice} onSubmit={() => void submit()} onClose={onClose}>
      <p className="dialog-subject">
        “{shown.description}”, due {formatDateTime(shown.dueBy)}
        {shown.amendments > 0 && ` (amended ${shown.amendments}×)`}
      </p>
      {action === 'Amend' && (
        <LabelledField label="New due date" error={problem?.fields.dueBy}>
          {(control) => <input {...control} type="datetime-local" value={dueBy} onChange={(event) => setDueBy(event.target.value)} />}
        </LabelledField>
      )}
      {action === 'Resume' ? (
        <p>The clock runs again and the due date moves later by the time paused{shown.calendar ? ` (business time on ${shown.calendar.name})` : ''}.</p>
      ) : (
        <LabelledField label={reasonLabel} error={problem?.fields[reasonField]} hint={action === 'Pause' ? 'Why the clock stops, e.g. waiting on the customer.' : undefined}>
          {(control) => <textarea {...control} rows={2} value={text} onChange={(event) => setText(event.target.value)} />}
        </LabelledField>
      )}
    </ActionDialog>
  );
}
