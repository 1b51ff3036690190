/**
 * The bytes of `JSON.stringify(value)` as UTF-8, counted without recursion: a hostile payload
 * nested thousands of levels deep would overflow the stack of JSON.stringify itself. Keys whose
 * value is undefined count as JSON.stringify leaves them out.
 */
export function jsonByteLength(value: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') {
      bytes += current === undefined ? 4 : Buffer.byteLength(JSON.stringify(current) ?? 'null');
      continue;
    }
    if (Array.isArray(current)) {
      bytes += 2 + Math.max(current.length - 1, 0);
      for (const item of current) stack.push(item === undefined ? null : item);
      continue;
    }
    const entries = Object.entries(current).filter(([, v]) => v !== undefined);
    bytes += 2 + Math.max(entries.length - 1, 0);
    for (const [key, inner] of entries) {
      bytes += Buffer.byteLength(JSON.stringify(key)) + 1;
      stack.push(inner);
    }
  }
  return bytes;
}
