import { clientAddressKey } from './lockout';

describe('clientAddressKey', () => {
  it('counts an IPv4 client under its own address', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 client under its IPv4 address', () => {
    expect(clientAddressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
  });

  it.each([
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
  ])('counts every address of an IPv6 /64 together: %s', (address, key) => {
    expect(clientAddressKey(address)).toBe(key);
  });

  it.each([undefined, '', 'not an address'])('counts a client without a usable address as unknown: %j', (address) => {
    expect(clientAddressKey(address)).toBe('unknown');
  });
});
