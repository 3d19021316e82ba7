import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { afterEach, describe, expect, it, type Mock, vi } from 'vitest';
import { UnsafeEndpointError, vetEndpoint } from '../../functions/core/ssrf.js';

// Name resolution is the real one unless a test says otherwise; no test resolves a public name
// through real DNS (there is no network here). `localhost` resolves locally.
vi.mock('node:dns/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:dns/promises')>();
  return { ...actual, lookup: vi.fn(actual.lookup) };
});

const lookupMock = lookup as unknown as Mock<(host: string, opts: { all: true }) => Promise<LookupAddress[]>>;

afterEach(() => {
  lookupMock.mockReset();
});

const check = (url: string, allowPrivate = false) => vetEndpoint(new URL(url), allowPrivate);

describe('vetEndpoint', () => {
  it('accepts https to a public unicast literal without resolving anything', async () => {
    await expect(check('https://8.8.8.8/')).resolves.toEqual({ address: '8.8.8.8', family: 4 });
    await expect(check('https://8.8.8.8:8443/hook?x=1')).resolves.toEqual({ address: '8.8.8.8', family: 4 });
    await expect(check('https://[2001:4860:4860::8888]/')).resolves.toEqual({
      address: '2001:4860:4860::8888',
      family: 6,
    });
    expect(lookupMock).not.toHaveBeenCalled();
  });

  it('refuses plain http unless private endpoints are allowed', async () => {
    await expect(check('http://8.8.8.8/')).rejects.toBeInstanceOf(UnsafeEndpointError);
    await expect(check('http://8.8.8.8/')).rejects.toThrow(/refusing http: endpoint/);
  });

  it('refuses other schemes even when private endpoints are allowed', async () => {
    await expect(check('ftp://8.8.8.8/', true)).rejects.toBeInstanceOf(UnsafeEndpointError);
    await expect(check('file:///etc/passwd', true)).rejects.toBeInstanceOf(UnsafeEndpointError);
  });

  it.each([
    ['loopback', 'https://127.0.0.1/'],
    ['loopback (other address in 127/8)', 'https://127.8.9.10/'],
    ['private 10/8', 'https://10.0.0.1/'],
    ['private 172.16/12', 'https://172.16.5.4/'],
    ['private 192.168/16', 'https://192.168.1.1/'],
    ['instance metadata (link-local)', 'https://169.254.169.254/latest/meta-data/'],
    ['carrier-grade NAT', 'https://100.64.0.1/'],
    ['unspecified', 'https://0.0.0.0/'],
    ['TEST-NET (reserved)', 'https://203.0.113.10/'],
    ['IPv6 loopback', 'https://[::1]/'],
    ['IPv6 unspecified', 'https://[::]/'],
    ['IPv6 unique local', 'https://[fd00::1]/'],
    ['IPv6 link-local', 'https://[fe80::1]/'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped metadata', 'https://[::ffff:169.254.169.254]/'],
    ['NAT64 of loopback', 'https://[64:ff9b::7f00:1]/'],
    ['decimal-encoded loopback', 'https://2130706433/'],
    ['hex/short-form loopback', 'https://0x7f.1/'],
  ])('refuses %s (%s)', async (_label, url) => {
    await expect(check(url)).rejects.toBeInstanceOf(UnsafeEndpointError);
  });

  it('says which kind of address it refused', async () => {
    await expect(check('https://127.0.0.1/')).rejects.toThrow('refusing non-public address (loopback)');
    await expect(check('https://[::ffff:127.0.0.1]/')).rejects.toThrow('(loopback)');
    await expect(check('https://169.254.169.254/')).rejects.toThrow('(linkLocal)');
  });

  it('accepts a public address written as IPv4-mapped IPv6', async () => {
    await expect(check('https://[::ffff:8.8.8.8]/')).resolves.toMatchObject({ family: 6 });
  });

  it('refuses localhost, which resolves to loopback', async () => {
    await expect(check('https://localhost/')).rejects.toBeInstanceOf(UnsafeEndpointError);
    expect(lookupMock).toHaveBeenCalledWith('localhost', { all: true });
  });

  it('refuses a name when any of its addresses is private', async () => {
    lookupMock.mockResolvedValueOnce([
      { address: '8.8.8.8', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ]);
    await expect(check('https://agency.example/hook')).rejects.toBeInstanceOf(UnsafeEndpointError);
  });

  it('refuses a name that resolves to an IPv4-mapped private address', async () => {
    lookupMock.mockResolvedValueOnce([{ address: '::ffff:192.168.0.10', family: 6 }]);
    await expect(check('https://agency.example/hook')).rejects.toBeInstanceOf(UnsafeEndpointError);
  });

  it('accepts a name whose addresses are all public', async () => {
    lookupMock.mockResolvedValueOnce([
      { address: '8.8.4.4', family: 4 },
      { address: '2001:4860:4860::8844', family: 6 },
    ]);
    await expect(check('https://agency.example/hook')).resolves.toMatchObject({
      address: expect.any(String),
    });
    expect(lookupMock).toHaveBeenCalledWith('agency.example', { all: true });
  });

  it('with private endpoints allowed (local stage), http to loopback passes without resolving', async () => {
    await expect(check('http://127.0.0.1:4010/hook', true)).resolves.toBeUndefined();
    await expect(check('http://localhost:4010/hook', true)).resolves.toBeUndefined();
    await expect(check('https://10.0.0.1/', true)).resolves.toBeUndefined();
    expect(lookupMock).not.toHaveBeenCalled();
  });
});
