// Salted scrypt hashes of PINs, self-describing (`scrypt$N$r$p$salt$hash`) so the cost can be raised later.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParameters {
  /** N: CPU/memory cost, a power of two. */
  cost: number;
  /** r */
  blockSize: number;
  /** p */
  parallelization: number;
}

/** About 100 ms and 32 MiB per hash: slow enough to hurt an offline guesser, fast enough for a login. */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { cost: 2 ** 15, blockSize: 8, parallelization: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MAX_COST = 2 ** 20;

function derive(pin: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const { cost, blockSize, parallelization } = parameters;
  return new Promise((resolve, reject) => {
    scrypt(
      pin,
      salt,
      KEY_BYTES,
      { N: cost, r: blockSize, p: parallelization, maxmem: 256 * cost * blockSize },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function format(parameters: ScryptParameters, salt: Buffer, key: Buffer): string {
  const { cost, blockSize, parallelization } = parameters;
  return ['scrypt', cost, blockSize, parallelization, salt.toString('base64'), key.toString('base64')].join('$');
}

function parse(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [cost, blockSize, parallelization] = parts.slice(1, 4).map(Number);
  const sane = (value: number, max: number): boolean => Number.isInteger(value) && value >= 1 && value <= max;
  if (!sane(cost, MAX_COST) || !sane(blockSize, 64) || !sane(parallelization, 16)) return undefined;
  return {
    parameters: { cost, blockSize, parallelization },
    salt: Buffer.from(parts[4], 'base64'),
    key: Buffer.from(parts[5], 'base64'),
  };
}

export class PinHasher {
  /** A hash of no PIN at all (random bytes): checking against it costs what a real check costs. */
  private readonly decoy: string;

  constructor(private readonly parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS) {
    this.decoy = format(parameters, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES));
  }

  async hash(pin: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    return format(this.parameters, salt, await derive(pin, salt, this.parameters));
  }

  async verify(pin: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    const candidate = await derive(pin, parsed.salt, parsed.parameters);
    return candidate.length === parsed.key.length && timingSafeEqual(candidate, parsed.key);
  }

  /** Does the work of a failed verify() so that an unknown username answers as slowly as a wrong PIN. */
  async verifyDecoy(pin: string): Promise<false> {
    await this.verify(pin, this.decoy);
    return false;
  }
}
