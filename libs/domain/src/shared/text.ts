/**
 * Text the ledger can store: no NUL (PostgreSQL refuses it in text and jsonb) and no unpaired
 * UTF-16 surrogate (it cannot be written as UTF-8: drivers replace it with U+FFFD, so two
 * different strings would collide). Every string that enters the system is held to this.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

export const STORABLE_TEXT_RULE = 'must not contain NUL characters or unpaired surrogates';

/**
 * The path of the first string (or object key), in document order, in a JSON-like value that is
 * not storable text, or undefined when all are. Iterative, so a deeply nested value cannot
 * overflow the stack; `maxDepth` bounds the nesting it accepts (deeper is reported as
 * `{ tooDeep: path }`).
 */
export function findUnstorableText(value: unknown, maxDepth = 64): { path: string; tooDeep?: true } | undefined {
  // An entry's key (if any) is checked when the entry is reached, so keys and values are met in order.
  const stack: { value: unknown; path: string; depth: number; key?: string }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth, key } = stack.pop()!;
    if (key !== undefined && !isStorableText(key)) return { path };
    if (typeof current === 'string') {
      if (!isStorableText(current)) return { path };
    } else if (typeof current === 'object' && current !== null) {
      if (depth >= maxDepth) return { path, tooDeep: true };
      if (Array.isArray(current)) {
        for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: `${path}[${i}]`, depth: depth + 1 });
      } else {
        const keys = Object.keys(current);
        for (let i = keys.length - 1; i >= 0; i--) {
          const inner = keys[i]!;
          stack.push({ value: (current as Record<string, unknown>)[inner], path: path ? `${path}.${inner}` : inner, depth: depth + 1, key: inner });
        }
      }
    }
  }
  return undefined;
}
