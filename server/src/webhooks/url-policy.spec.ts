import { embeddedIpv4, refusedAddress, refusedUrl } from './url-policy';

describe('webhook URL policy', () => {
  it.each(['https://hooks.example.com/wago', 'http://203.0.113.7:8080/in', 'http://[2001:db8::1]/in'])(
    'accepts %s',
    (url) => {
      expect(refusedUrl(url, true)).toBeNull();
    },
  );

  it.each([
    ['ftp://example.com/in', 'http or https'],
    ['not a url', 'absolute'],
    ['https://user:pass@example.com/in', 'credentials'],
    ['https://token@example.com/in', 'credentials'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://metadata.google.internal/computeMetadata', 'metadata'],
    ['http://[fe80::1]/in', 'link-local'],
    ['http://[fd00:ec2::254]/', 'link-local'],
    ['http://0.0.0.0:3000/', 'link-local'],
    ['http://100.100.100.200/', 'link-local'],
  ])('always refuses %s', (url, reason) => {
    expect(refusedUrl(url, false)).toContain(reason);
  });

  it('allows loopback and private receivers unless WEBHOOK_DENY_PRIVATE is set', () => {
    for (const url of ['http://127.0.0.1:9000/', 'http://10.1.2.3/', 'http://192.168.1.10/', 'http://[::1]:80/']) {
      expect(refusedUrl(url, false)).toBeNull();
      expect(refusedUrl(url, true)).toContain('private');
    }
  });

  it('sees a private IPv4 address through its IPv4-mapped IPv6 form', () => {
    expect(refusedAddress('::ffff:10.0.0.1', true)).toContain('private');
    expect(refusedAddress('::ffff:169.254.169.254', false)).toContain('link-local');
  });

  it('checks resolved addresses with the same rules as literal ones', () => {
    expect(refusedAddress('172.20.0.5', true)).toContain('private');
    expect(refusedAddress('172.32.0.5', true)).toBeNull();
    expect(refusedAddress('fd12::1', true)).toContain('private');
  });

  it.each([
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b::10.0.0.1', '10.0.0.1'],
    ['::a9fe:a9fe', '169.254.169.254'],
    ['::127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['2002:a9fe:a9fe::1', '169.254.169.254'],
    ['2002:c0a8:0101:5::', '192.168.1.1'],
  ])('reads the IPv4 address embedded in %s', (address, ipv4) => {
    expect(embeddedIpv4(address)).toBe(ipv4);
  });

  it.each(['::', '::1', '2001:db8::1', 'fe80::1', '64:ff9b:1::a9fe:a9fe'])('finds no IPv4 address in %s', (address) => {
    expect(embeddedIpv4(address)).toBeUndefined();
  });

  it.each(['64:ff9b::a9fe:a9fe', '::a9fe:a9fe', '2002:a9fe:a9fe::1', '64:ff9b::0.0.0.1'])(
    'always refuses %s, which reaches a link-local or unroutable IPv4 address',
    (address) => {
      expect(refusedAddress(address, false)).toMatch(new RegExp(`^${address} embeds .* link-local`));
      expect(refusedUrl(`http://[${address}]/in`, false)).toContain('link-local');
    },
  );

  it.each(['64:ff9b::10.0.0.1', '::127.0.0.1', '2002:c0a8:0101::1', '64:ff9b::7f00:1'])(
    'refuses %s, which reaches a private IPv4 address, when WEBHOOK_DENY_PRIVATE is set',
    (address) => {
      expect(refusedAddress(address, false)).toBeNull();
      expect(refusedAddress(address, true)).toContain('private');
    },
  );

  it('accepts NAT64 and 6to4 addresses of public IPv4 receivers', () => {
    expect(refusedAddress('64:ff9b::203.0.113.7', true)).toBeNull();
    expect(refusedAddress('2002:cb00:7107::1', true)).toBeNull();
  });

  it('counts site-local fec0::/10 as private', () => {
    expect(refusedAddress('fec0::1', false)).toBeNull();
    expect(refusedAddress('fec0::1', true)).toContain('private');
    expect(refusedAddress('feff::1', true)).toContain('private');
  });
});
