// Blocking as WhatsApp's blocklist v2 does it: entries keyed by LID, a block naming the PN as well, every change
// announced to the account's linked devices. What the blocked account sends afterwards never reaches the blocker.
import { createHash } from 'node:crypto';
import { badRequest } from '../control/control-error';
import type { Account } from '../core/accounts';
import { childNode, type BinaryNode } from '../core/binary-node';
import { decodeJid, LID_SERVER, PN_SERVER } from '../core/jid';
import { IqError, type DeviceStanza, type SimCore } from '../core/sim-core';

/** `GET /control/accounts/:phone/blocklist`: one entry per blocked account. */
export interface BlockedAccountView {
  phoneNumber: string;
  jid: string;
  lid: string;
}

type BlockAction = 'block' | 'unblock';

export class Blocklist {
  constructor(private readonly core: SimCore) {
    core.onIq('blocklist', (iq) => this.answer(iq));
  }

  list(account: Account): BlockedAccountView[] {
    return [...account.blocked].map(({ phoneNumber, jid, lid }) => ({ phoneNumber, jid, lid }));
  }

  /** The phone blocks or unblocks someone: the change reaches every linked device as it would from the app. */
  change(account: Account, action: BlockAction, target: Account): void {
    if (target === account) throw badRequest('an account cannot block itself');
    this.apply(account, action, target);
  }

  /** `get` lists the entries; `set` blocks or unblocks one and answers the list as it now stands. */
  private answer({ device, node }: DeviceStanza): BinaryNode[] {
    const account = device.account;
    if (node.attrs.type === 'get') return [listNode(account)];
    if (node.attrs.type !== 'set') throw new IqError(400, 'bad-request');
    const item = childNode(node, 'item');
    const action = item?.attrs.action;
    if (!item || (action !== 'block' && action !== 'unblock')) throw new IqError(400, 'bad-request');
    const target = this.target(item, action);
    if (target === account) throw new IqError(400, 'bad-request');
    this.apply(account, action, target);
    return [listNode(account)];
  }

  private apply(account: Account, action: BlockAction, target: Account): void {
    const previousHash = listHash(account);
    const changes = action === 'block' ? !account.blocked.has(target) : account.blocked.has(target);
    if (action === 'block') account.blocked.add(target);
    else account.blocked.delete(target);
    if (changes) this.announce(account, action, target, previousHash);
  }

  /** The entry is a LID; a block must also name that person's PN (`pn_jid`), as WhatsApp insists since LIDs. */
  private target(item: BinaryNode, action: BlockAction): Account {
    const lid = decodeJid(item.attrs.jid ?? '');
    if (lid?.server !== LID_SERVER) throw new IqError(400, 'bad-request');
    const target = this.core.accounts.byLid(lid.user);
    if (!target) throw new IqError(404, 'item-not-found');
    if (action === 'block') {
      const pn = decodeJid(item.attrs.pn_jid ?? '');
      if (pn?.server !== PN_SERVER || pn.user !== target.phoneNumber) throw new IqError(400, 'bad-request');
    }
    return target;
  }

  /** `<notification type="account_sync"><blocklist>`: Baileys emits `blocklist.update` for it. */
  private announce(account: Account, action: BlockAction, target: Account, previousHash: string): void {
    const notification: BinaryNode = {
      tag: 'notification',
      attrs: {
        from: account.jid,
        type: 'account_sync',
        id: this.core.nextStanzaId(),
        t: String(Math.floor(this.core.clock.now() / 1000)),
      },
      content: [
        {
          tag: 'blocklist',
          attrs: { dhash: listHash(account), prev_dhash: previousHash },
          content: [{ tag: 'item', attrs: { action, jid: target.lid } }],
        },
      ],
    };
    for (const device of account.devices.values()) this.core.sendNode(device, notification);
  }
}

function listNode(account: Account): BinaryNode {
  return {
    tag: 'list',
    attrs: { dhash: listHash(account) },
    content: [...account.blocked].map((blocked) => ({ tag: 'item', attrs: { jid: blocked.lid } })),
  };
}

/** A digest of the entries, so a client can tell whether its copy of the list is current. */
function listHash(account: Account): string {
  const lids = [...account.blocked].map((blocked) => blocked.lid).sort();
  return createHash('sha256').update(lids.join(',')).digest('base64').slice(0, 16);
}
