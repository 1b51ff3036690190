import { describe, expect, it } from '@jest/globals';
import { redactConnectionString, redactPassword, withTimeout } from './kurrentdb-connection.js';

describe('KurrentDB connection helpers', () => {
  it('hides the password of a connection string', () => {
    expect(redactConnectionString('kurrentdb://admin:changeit@db1:2113,db2:2113?tls=true')).toBe(
      'kurrentdb://admin:***@db1:2113,db2:2113?tls=true',
    );
    expect(redactConnectionString('kurrentdb+discover://ops:s3cr%40t@cluster.example:2113')).toBe(
      'kurrentdb+discover://ops:***@cluster.example:2113',
    );
    expect(redactConnectionString('kurrentdb://127.0.0.1:2113?tls=false')).toBe('kurrentdb://127.0.0.1:2113?tls=false');
  });

  it('masks the password wherever a message quotes it', () => {
    const connectionString = 'kurrentdb://admin:changeit@db1:2113';
    expect(redactPassword('Unexpected "changeit@db1" at 18', connectionString)).toBe('Unexpected "***@db1" at 18');
    expect(redactPassword('ECONNREFUSED', 'kurrentdb://db1:2113')).toBe('ECONNREFUSED');
  });

  it('gives up after the bound with the error it is told', async () => {
    const never = new Promise<never>(() => undefined);
    const started = Date.now();
    await expect(withTimeout(never, 50, () => new Error('no answer'))).rejects.toThrow('no answer');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('passes a prompt result or failure through', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000, () => new Error('late'))).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000, () => new Error('late'))).rejects.toThrow('refused');
  });
});
