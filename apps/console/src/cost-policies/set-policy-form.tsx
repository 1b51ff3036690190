import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation } from 'urql';
import { useAnnounce } from '../layout/announcer.js';
import { apiProblem, type ApiProblem } from '../shared/api-errors.js';
import { browserTimeZone, formatDateTime, formatMoney, fromLocalInput } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { SetCostPolicy, type CustomerKind, type ErrorType } from './cost-policies.query.js';

const KINDS: CustomerKind[] = ['DISTRIBUTOR', 'RESELLER', 'END_USER'];
const TYPES: ErrorType[] = ['BILLING', 'SHIPPING'];

// API field names (last path segment of extensions.fields) → this form's fields.
type FieldName = 'customerKind' | 'errorType' | 'amount' | 'currency' | 'effectiveFrom';
const FIELD_ORDER: FieldName[] = ['customerKind', 'errorType', 'amount', 'currency', 'effectiveFrom'];

/** Sets the cost per error from a moment on; earlier errors keep the price they had. */
export function SetPolicyForm({ onSet }: { onSet: () => void }) {
  const [customerKind, setCustomerKind] = useState<CustomerKind>('DISTRIBUTOR');
  const [errorType, setErrorType] = useState<ErrorType>('BILLING');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState('');
  const [saving, setPolicy] = useMutation(SetCostPolicy);
  const announce = useAnnounce();
  const formId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone('');
    const from = fromLocalInput(effectiveFrom);
    // Only what the API cannot be asked without; every other rule is the API's to state.
    const missing: Partial<Record<FieldName, string>> = {};
    if (!amount.trim()) missing.amount = 'enter the cost per error';
    if (!from) missing.effectiveFrom = 'choose a date and time';
    if (!from || Object.keys(missing).length > 0) {
      setProblem({ code: 'BAD_USER_INPUT', message: 'Some fields need a value.', fields: missing });
      focusFirstInvalid(Object.keys(missing) as FieldName[]);
      return;
    }
    const result = await setPolicy({ input: { customerKind, errorType, effectiveFrom: from, costPerError: { amount: amount.trim(), currency: currency.trim() } } });
    const refused = apiProblem(result.error);
    setProblem(refused);
    if (refused) focusFirstInvalid(Object.keys(refused.fields) as FieldName[]);
    if (refused || !result.data) return;
    const set = result.data.setErrorCostPolicy;
    const message = `${humanize(set.customerKind)} × ${humanize(set.errorType)}: ${formatMoney(set.costPerError)} per error from ${formatDateTime(set.effectiveFrom)}.`;
    setDone(`Policy set. ${message}`);
    announce(`Cost policy set: ${message}`);
    setAmount('');
    onSet();
  };

  const focusFirstInvalid = (names: FieldName[]) => {
    const first = FIELD_ORDER.find((name) => names.includes(name));
    if (first) requestAnimationFrame(() => document.getElementById(`${formId}-${first}`)?.focus());
  };
  const fieldError = (name: FieldName) => problem?.fields[name];
  const unplaced = problem && !Object.keys(problem.fields).some((name) => (FIELD_ORDER as string[]).includes(name));
  const control = (name: FieldName) => {
    const error = fieldError(name);
    return {
      id: `${formId}-${name}`,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': [error ? `${formId}-${name}-error` : '', hints[name] ? `${formId}-${name}-hint` : ''].filter(Boolean).join(' ') || undefined,
    };
  };
  const hints: Partial<Record<FieldName, string>> = {
    amount: 'A decimal with the currency’s minor digits, e.g. 250.00.',
    currency: 'Three-letter ISO code, e.g. USD.',
    effectiveFrom: `In ${browserTimeZone()}. Errors that occurred earlier keep their price.`,
  };
  const field = (name: FieldName, label: string, input: ReactNode) => (
    <div className="field">
      <label htmlFor={`${formId}-${name}`}>{label}</label>
      {input}
      {hints[name] && (
        <p id={`${formId}-${name}-hint`} className="hint">
          {hints[name]}
        </p>
      )}
      {fieldError(name) && (
        <p id={`${formId}-${name}-error`} className="field-error">
          {fieldError(name)}
        </p>
      )}
    </div>
  );

  return (
    <form className="panel set-policy" aria-labelledby="set-policy-title" onSubmit={submit} noValidate>
      <h2 id="set-policy-title">Set a cost policy</h2>
      <div className="form-grid">
        {field(
          'customerKind',
          'Customer kind',
          <select {...control('customerKind')} value={customerKind} onChange={(event) => setCustomerKind(event.target.value as CustomerKind)}>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {humanize(kind)}
              </option>
            ))}
          </select>,
        )}
        {field(
          'errorType',
          'Error type',
          <select {...control('errorType')} value={errorType} onChange={(event) => setErrorType(event.target.value as ErrorType)}>
            {TYPES.map((type) => (
              <option key={type} value={type}>
                {humanize(type)}
              </option>
            ))}
          </select>,
        )}
        {field('amount', 'Cost per error', <input {...control('amount')} inputMode="decimal" autoComplete="off" value={amount} onChange={(event) => setAmount(event.target.value)} />)}
        {field(
          'currency',
          'Currency',
          <input {...control('currency')} maxLength={3} autoComplete="off" value={currency} onChange={(event) => setCurrency(event.target.value.toUpperCase())} />,
        )}
        {field(
          'effectiveFrom',
          'Effective from',
          <input {...control('effectiveFrom')} type="datetime-local" value={effectiveFrom} onChange={(event) => setEffectiveFrom(event.target.value)} />,
        )}
      </div>
      {unplaced && (
        <p className="field-error" role="alert">
          {problem.message}
        </p>
      )}
      <div className="form-buttons">
        <button type="submit" disabled={saving.fetching}>
          Set policy
        </button>
        <p role="status" className="hint">
          {done}
        </p>
      </div>
    </form>
  );
}
