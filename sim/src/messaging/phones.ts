// The simulated primary phones: one Signal identity per account, created when the account first messages or is
// messaged, with sessions to linked devices opened from the keys those devices uploaded.
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { Logger } from 'pino';
import type { Account, LinkedDevice } from '../core/accounts';
import type { WaLibrary } from '../core/wa-library';
import { AccountSignal, type EncryptedType } from './account-signal';

export class Phones {
  private readonly signals = new Map<Account, AccountSignal>();

  constructor(
    private readonly lib: WaLibrary,
    private readonly logger: Logger,
  ) {}

  of(account: Account): AccountSignal {
    let signal = this.signals.get(account);
    if (!signal) {
      signal = AccountSignal.create(this.lib, account.identity, this.logger.child({ phone: account.phoneNumber }));
      this.signals.set(account, signal);
    }
    return signal;
  }

  /**
   * Encrypts for one linked device, first fetching its bundle as a phone would (spending one of its one-time
   * pre-keys) when there is no session yet. Sessions are keyed by the device's PN JID, however it was addressed.
   */
  async encryptFor(
    phone: Account,
    device: LinkedDevice,
    message: proto.IMessage,
  ): Promise<{ type: EncryptedType; ciphertext: Uint8Array }> {
    const signal = this.of(phone);
    if (!(await signal.hasSession(device.jid))) {
      await signal.startSession(device.jid, {
        registrationId: device.registrationId,
        identityKey: device.identityKey,
        signedPreKey: device.signedPreKey,
        preKey: device.preKeys.take(),
      });
    }
    return signal.encrypt(device.jid, message);
  }
}
