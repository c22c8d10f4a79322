// Decides what a freshly handshaken connection is (a new companion to pair, or a linked device logging in) and
// runs the login: `<success>`, then the device's stanzas go to the core.
import type { LinkedDevice } from '../core/accounts';
import { childNode, type BinaryNode } from '../core/binary-node';
import type { SimCore } from '../core/sim-core';
import type { PairingService } from '../pairing/pairing-service';
import type { ClientPayload, ConnectionListener, WaConnection } from '../transport/wa-connection';

const LOGGED_OUT = 401;
const IGNORED: ConnectionListener = { onNode: () => Promise.resolve(), onClose: () => undefined };

export class SessionGateway {
  constructor(
    private readonly core: SimCore,
    private readonly pairing: PairingService,
  ) {}

  onHandshake(connection: WaConnection, payload: ClientPayload): ConnectionListener {
    // Registration payloads carry the new companion's keys; logins carry the user and device id instead.
    if (payload.devicePairingData) return this.pairing.register(connection, payload);
    return this.login(connection, payload);
  }

  private login(connection: WaConnection, payload: ClientPayload): ConnectionListener {
    const account = this.core.accounts.byPhone(String(payload.username ?? ''));
    const device = account?.devices.get(Number(payload.device ?? 0));
    // A device the account no longer has, or another client presenting its id: logged out, as WhatsApp answers.
    if (!device || !connection.clientStatic?.equals(device.noiseKey)) {
      void connection.failure(LOGGED_OUT);
      return IGNORED;
    }
    this.core.attach(device, connection);
    void connection.sendNode(this.success(device));
    this.core.logger.info({ device: device.jid, connection: connection.id }, 'device logged in');
    return {
      onNode: (node) => this.onDeviceNode(device, connection, node),
      onClose: () => {
        this.core.detach(device, connection);
        this.core.logger.info({ device: device.jid, connection: connection.id }, 'device disconnected');
      },
    };
  }

  private async onDeviceNode(device: LinkedDevice, connection: WaConnection, node: BinaryNode): Promise<void> {
    if (device.account.devices.get(device.deviceId) !== device) return;
    await this.core.dispatch(device, node, connection);
    // The client turns active once it has its pre-keys sorted: that is when the server delivers what waited.
    if (node.tag === 'iq' && node.attrs.xmlns === 'passive' && childNode(node, 'active')) {
      await this.core.completeLogin(device, connection);
    }
  }

  private success(device: LinkedDevice): BinaryNode {
    return {
      tag: 'success',
      attrs: {
        t: String(Math.floor(this.core.clock.now() / 1000)),
        lid: device.lidJid,
        display_name: device.account.pushName,
        creation: String(Math.floor(device.pairedAt.getTime() / 1000)),
        location: 'sim',
      },
    };
  }
}
