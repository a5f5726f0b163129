/**
 * Addresses inside a network rather than on the internet: what a server must not be made to
 * POST to by whoever registers a push endpoint (metadata services, admin ports, the stores).
 * Loopback, private (RFC 1918, unique local), link-local, carrier-grade NAT, "this network",
 * benchmarking, multicast and reserved ranges; IPv4 inside IPv6 (mapped, NAT64) is judged as
 * the IPv4 address it carries.
 */

/** [first address as a 32-bit number, prefix length] */
const INTERNAL_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3], // multicast, reserved and broadcast: 224.0.0.0 to 255.255.255.255
];

/** A dotted IPv4 address as a number, or undefined when it is not one. */
function v4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function internalV4(n: number): boolean {
  return INTERNAL_V4.some(([first, bits]) => {
    const size = 2 ** (32 - bits);
    return Math.floor(n / size) === Math.floor(v4(first)! / size);
  });
}

/** An IPv6 address as its eight 16-bit groups, or undefined when it is not one. */
function v6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted IPv4 part stands for the last two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4(dotted[2]!);
    if (n === undefined) return undefined;
    text = `${dotted[1]}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => parseInt(g, 16));
}

function internalV6(g: number[]): boolean {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const embedded = () => internalV4(g[6]! * 65536 + g[7]!);
  if (zeros(0, 8)) return true; // ::
  if (zeros(0, 7) && g[7] === 1) return true; // ::1
  if (zeros(0, 5) && g[5] === 0xffff) return embedded(); // ::ffff:a.b.c.d
  if (zeros(0, 6)) return embedded(); // ::a.b.c.d (deprecated, compatible)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded(); // NAT64
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g[0]! & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g[0]! & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  return false;
}

/** Whether `address` is an IP address literal (IPv4, or IPv6 with or without brackets). */
export function isIpAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  return v4(bare) !== undefined || v6(bare) !== undefined;
}

/**
 * Whether an IP address (IPv4, or IPv6 with or without brackets) is inside a network. Not an
 * address at all: false (a host name, judged once resolved).
 */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const four = v4(bare);
  if (four !== undefined) return internalV4(four);
  const six = v6(bare);
  return six !== undefined && internalV6(six);
}

/** Names that mean this machine whatever a resolver says (RFC 6761). */
export function isLocalHostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
