import { refusedAddress, refusedUrl } from './url-policy';

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
});
