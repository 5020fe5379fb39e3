// biome-ignore-all lint/suspicious/noDocumentCookie: these tests set the host page's cookies that resolvePrefill reads
import { afterEach, describe, expect, it } from 'vitest';
import { readEmbedOptions, resolvePrefill, resolvePrefills } from './embed-options';

function scriptWith(attributes: Record<string, string>): HTMLScriptElement {
  const script = document.createElement('script');
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  return script;
}

describe('readEmbedOptions', () => {
  it('reads the channel, look overrides, prefill specs and the identity signature', () => {
    const options = readEmbedOptions(
      scriptWith({
        'data-channel': ' 0195f0c2-0000-7000-8000-000000000001 ',
        'data-theme': 'DARK',
        'data-color': '#112233',
        'data-title': 'Help desk',
        'data-name': 'variable:user.name',
        'data-email': 'cookie:email',
        'data-phone': 'url:phone',
        'data-company': 'Acme',
        'data-email-signature': 'ab'.repeat(32),
      }),
    );
    expect(options).toEqual({
      channel: '0195f0c2-0000-7000-8000-000000000001',
      theme: 'dark',
      color: '#112233',
      title: 'Help desk',
      prefill: { name: 'variable:user.name', email: 'cookie:email', phone: 'url:phone', company: 'Acme' },
      emailSignature: 'ab'.repeat(32),
    });
  });

  it('ignores an unknown theme and needs a channel', () => {
    expect(readEmbedOptions(scriptWith({ 'data-channel': 'c', 'data-theme': 'neon' }))?.theme).toBeUndefined();
    expect(readEmbedOptions(scriptWith({ 'data-theme': 'dark' }))).toBeNull();
    expect(readEmbedOptions(scriptWith({ 'data-channel': '  ' }))).toBeNull();
  });
});

describe('resolvePrefill', () => {
  afterEach(() => {
    for (const name of ['visitor_email', 'plain', 'broken']) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
    window.history.replaceState(null, '', '/');
    delete (window as unknown as Record<string, unknown>).siteUser;
  });

  it('takes a literal value as it is, trimmed', () => {
    expect(resolvePrefill(' Ada Lovelace ', window)).toBe('Ada Lovelace');
    expect(resolvePrefill('mailto:ada@example.com', window)).toBe('mailto:ada@example.com');
    expect(resolvePrefill('', window)).toBeUndefined();
    expect(resolvePrefill(undefined, window)).toBeUndefined();
  });

  it('reads a cookie, decoding it', () => {
    document.cookie = `visitor_email=${encodeURIComponent('ada+chat@example.com')}`;
    document.cookie = 'plain=yes';
    document.cookie = 'broken=%E0%A4%A';
    expect(resolvePrefill('cookie:visitor_email', window)).toBe('ada+chat@example.com');
    expect(resolvePrefill('cookie:plain', window)).toBe('yes');
    expect(resolvePrefill('cookie:broken', window)).toBe('%E0%A4%A');
    expect(resolvePrefill('cookie:missing', window)).toBeUndefined();
    expect(resolvePrefill('cookie:visitor', window)).toBeUndefined();
  });

  it('reads a query parameter of the page', () => {
    window.history.replaceState(null, '', '/pricing?utm=x&company=Analytical%20Engines');
    expect(resolvePrefill('url:company', window)).toBe('Analytical Engines');
    expect(resolvePrefill('url:phone', window)).toBeUndefined();
  });

  it('reads a page variable, following dots, and only scalar values', () => {
    (window as unknown as Record<string, unknown>).siteUser = { name: 'Grace', id: 42, profile: { company: 'Navy' }, roles: ['a'] };
    expect(resolvePrefill('variable:siteUser.name', window)).toBe('Grace');
    expect(resolvePrefill('variable:siteUser.id', window)).toBe('42');
    expect(resolvePrefill('variable:siteUser.profile.company', window)).toBe('Navy');
    expect(resolvePrefill('variable:siteUser.profile', window)).toBeUndefined();
    expect(resolvePrefill('variable:siteUser.roles', window)).toBeUndefined();
    expect(resolvePrefill('variable:siteUser.missing.deeper', window)).toBeUndefined();
    expect(resolvePrefill('variable:nobodyDefinedThis', window)).toBeUndefined();
  });

  it('resolves every field, leaving out the empty ones', () => {
    window.history.replaceState(null, '', '/?phone=%2B47%2012345678');
    expect(resolvePrefills({ name: 'Ada', email: 'cookie:none', phone: 'url:phone', company: undefined }, window)).toEqual({
      name: 'Ada',
      phone: '+47 12345678',
    });
  });
});
