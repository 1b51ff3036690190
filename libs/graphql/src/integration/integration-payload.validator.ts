import { getMetadataStorage, isEmail } from 'class-validator';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/**
 * A payload check compiled once from an input class's class-validator decorators: `true` only when
 * class-validator (whitelist, forbidNonWhitelisted) would certainly accept the plain object as it is.
 * `false` means "not certain", never "invalid": the caller then asks class-validator itself, which
 * also writes the message. So an accepted item costs a few comparisons instead of a class instance
 * and a metadata walk, and a refused one gets exactly the message it always got.
 */
export type PayloadCheck = (payload: Record<string, unknown>) => boolean;

/** A class whose properties carry class-validator decorators. */
export type InputClass = abstract new (...args: never[]) => unknown;

type ValueCheck = (value: unknown) => boolean;

interface FieldCheck {
  optional: boolean;
  checks: ValueCheck[];
}

/**
 * The length validator.js counts (class-validator's MinLength/MaxLength), where it is plain
 * `length`: no surrogate pair, no variation selector (all below U+D800). -1 means "count it as they do".
 */
function plainLength(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0xd800) return -1;
  return text.length;
}

/** One constraint as a plain function, or undefined for one this compiler does not know (never certain). */
function constraintCheck(meta: ValidationMetadata): ValueCheck | undefined {
  const [first] = (meta.constraints ?? []) as unknown[];
  switch (meta.name) {
    case 'isString':
      return (v) => typeof v === 'string';
    case 'minLength':
      return (v) => {
        if (typeof v !== 'string') return false;
        const length = plainLength(v);
        return length >= 0 && length >= (first as number);
      };
    case 'maxLength':
      return (v) => {
        if (typeof v !== 'string') return false;
        const length = plainLength(v);
        return length >= 0 && length <= (first as number);
      };
    case 'isIn': {
      const allowed = first as readonly unknown[];
      return (v) => allowed.some((a) => a === v);
    }
    case 'isDate':
      return (v) => v instanceof Date && !Number.isNaN(v.getTime());
    case 'isInt':
      return (v) => typeof v === 'number' && Number.isInteger(v);
    case 'isArray':
      return (v) => Array.isArray(v);
    case 'arrayMaxSize':
      return (v) => Array.isArray(v) && v.length <= (first as number);
    case 'min':
      return (v) => typeof v === 'number' && v >= (first as number);
    case 'isEmail':
      return first === undefined ? (v) => isEmail(v) : undefined;
    default:
      return undefined;
  }
}

/** A JSON object: from variables (Object.prototype) or from a literal in the query (no prototype). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** The property names an input class declares (every one carries a class-validator decorator). */
export function inputFields(input: InputClass): ReadonlySet<string> {
  return new Set(getMetadataStorage().getTargetValidationMetadatas(input, '', true, false).map((meta) => meta.propertyName));
}

/**
 * Compiles the check for `input`. `nested` names the class of each @ValidateNested property (what its
 * @Type says); a nested property without one, or any decorator or option this compiler does not model
 * (groups, always, `each` on a constraint, ValidateIf…), makes every payload of the class uncertain.
 */
export function compilePayloadCheck(input: InputClass, nested: Record<string, InputClass> = {}): PayloadCheck {
  const metas = getMetadataStorage().getTargetValidationMetadatas(input, '', true, false);
  const fields = new Map<string, FieldCheck | undefined>();
  for (const meta of metas) {
    const name = meta.propertyName;
    if (!fields.has(name)) fields.set(name, { optional: false, checks: [] });
    const field = fields.get(name);
    if (!field) continue;
    // Messages do not matter here: a refusal is always written by class-validator itself.
    const unusual = meta.always || (meta.groups?.length ?? 0) > 0 || (meta.each && meta.type !== 'nestedValidation');
    let check: ValueCheck | undefined;
    if (unusual) check = undefined;
    else if (meta.type === 'conditionalValidation' && meta.name === 'isOptional') {
      field.optional = true;
      continue;
    } else if (meta.type === 'isDefined') continue; // absent or null is never certain anyway
    else if (meta.type === 'customValidation') check = constraintCheck(meta);
    else if (meta.type === 'nestedValidation' && nested[name]) {
      const inner = compilePayloadCheck(nested[name], {});
      const one = (v: unknown) => isPlainObject(v) && inner(v);
      check = meta.each ? (v) => Array.isArray(v) && v.every(one) : one;
    }
    if (check) field.checks.push(check);
    else fields.set(name, undefined);
  }
  // A property it cannot model may refuse even when absent (a required one): then nothing is certain.
  if ([...fields.values()].includes(undefined)) return () => false;
  const known = [...fields] as [string, FieldCheck][];
  return (payload) => {
    for (const key of Object.keys(payload)) if (!fields.has(key)) return false;
    for (const [name, field] of known) {
      const value = payload[name];
      if (value === undefined || value === null) {
        if (field.optional) continue;
        return false;
      }
      for (const check of field.checks) if (!check(value)) return false;
    }
    return true;
  };
}
