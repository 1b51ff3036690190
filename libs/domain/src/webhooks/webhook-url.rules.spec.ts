import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';
import { checkWebhookUrl, classifyAddress, refusedAddress } from './webhook-url.rules.js';

const strict = { allowPrivate: false };
const lenient = { allowPrivate: true };

function refusal(url: string, rules = strict): DomainError {
  try {
    checkWebhookUrl(url, rules);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('webhook URL rules', () => {
  it.each([
    'https://hooks.example.com/ledger',
    'https://203.0.113.7:8443/in',
    'http://127.0.0.1:9000/hook',
    'http://[::1]:9000/hook',
    'http://localhost/hook',
    'https://127.0.0.1/hook',
  ])('accepts %s', (url) => {
    expect(checkWebhookUrl(url, strict).url.href).toBe(new URL(url).href);
  });

  it.each([
    ['not a url', /absolute URL/],
    ['ftp://example.com/x', /https/],
    ['http://hooks.example.com/ledger', /plain http is only for loopback/],
    ['http://203.0.113.7/in', /plain http/],
    ['https://169.254.169.254/latest/meta-data/', /metadata/],
    ['https://169.254.10.1/', /link-local/],
    ['https://[fe80::1]/', /link-local/],
    ['https://[::ffff:169.254.169.254]/', /link-local/],
    ['https://[fd00:ec2::254]/', /metadata/],
    ['https://metadata.google.internal/computeMetadata/v1/', /metadata/],
    ['https://0.0.0.0/', /reserved|metadata/],
    ['https://10.1.2.3/', /private/],
    ['https://172.20.0.1/', /private/],
    ['https://192.168.1.10/', /private/],
    ['https://[fd12:3456::1]/', /private/],
    ['https://0xa9fea9fe/', /link-local/], // 169.254.169.254 spelled in hex: the URL parser normalises it
  ])('refuses %s with BAD_USER_INPUT on url', (url, reason) => {
    const error = refusal(url);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(error.fields ?? {})).toEqual(['url']);
    expect(error.fields!.url).toMatch(reason);
  });

  it('accepts private ranges only when allowed, and link-local or metadata never', () => {
    expect(checkWebhookUrl('https://10.1.2.3/', lenient).host).toBe('10.1.2.3');
    expect(checkWebhookUrl('https://[fd12:3456::1]/', lenient).host).toBe('fd12:3456::1');
    expect(refusal('https://169.254.169.254/', lenient).fields!.url).toMatch(/metadata/);
    expect(refusal('http://10.1.2.3/', lenient).fields!.url).toMatch(/plain http/);
  });

  it('checks what a host name resolves to: loopback only when the URL names it (DNS rebinding)', () => {
    const named = checkWebhookUrl('https://hooks.example.com/', strict);
    expect(refusedAddress('203.0.113.9', named, strict)).toBeUndefined();
    expect(refusedAddress('127.0.0.1', named, strict)).toMatch(/loopback/);
    expect(refusedAddress('10.0.0.8', named, strict)).toMatch(/private/);
    expect(refusedAddress('10.0.0.8', named, lenient)).toBeUndefined();
    expect(refusedAddress('169.254.169.254', named, lenient)).toMatch(/metadata/);
    const local = checkWebhookUrl('http://localhost:8080/', strict);
    expect(refusedAddress('127.0.0.1', local, strict)).toBeUndefined();
    expect(refusedAddress('::1', local, strict)).toBeUndefined();
  });

  it('classifies addresses', () => {
    expect(['127.0.0.1', '::1', '10.0.0.1', '8.8.8.8', '169.254.169.254', '::ffff:7f00:1'].map(classifyAddress)).toEqual([
      'loopback',
      'loopback',
      'private',
      'public',
      'forbidden',
      'loopback',
    ]);
  });
});
