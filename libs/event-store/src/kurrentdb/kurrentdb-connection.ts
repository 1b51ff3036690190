/** The connection string without its password, safe for error messages and logs. */
export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(/^([a-z+]+:\/\/)([^@/?#]*)@/i, (_, scheme: string, userInfo: string) => {
    const user = userInfo.split(':')[0];
    return `${scheme}${user ? `${user}:***` : '***'}@`;
  });
}

/** `text` with the connection string's password (if any) masked, for messages that may quote it. */
export function redactPassword(text: string, connectionString: string): string {
  const password = /^[a-z+]+:\/\/[^:@/?#]*:([^@/?#]+)@/i.exec(connectionString)?.[1];
  return password ? text.split(password).join('***') : text;
}

/** Resolves like `work`, or rejects with `onTimeout()` when it takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
