// Profile pictures: a sim account may have one (set through the control API, or by its own linked device), served
// by the media host as WhatsApp's `pps` hosts serve them; `w:profile:picture` answers where it is, or 404.
import type { Account } from '../core/accounts';
import { childBuffer, childNode, type BinaryNode } from '../core/binary-node';
import { IqError, type DeviceStanza, type SimCore } from '../core/sim-core';
import type { MediaHost } from '../media';

export interface ProfilePicture {
  /** WhatsApp's picture ids are numbers that grow with every change. */
  id: string;
  url: string;
  directPath: string;
}

export class ProfilePictures {
  private readonly pictures = new Map<Account, ProfilePicture>();
  private lastId = 0;

  constructor(
    private readonly core: SimCore,
    private readonly media: MediaHost,
  ) {
    core.onIq('w:profile:picture', (iq) => this.answer(iq));
  }

  async set(account: Account, image: Buffer): Promise<ProfilePicture> {
    const stored = await this.media.storePicture(image);
    this.lastId = Math.max(this.lastId + 1, Math.floor(this.core.clock.now() / 1000));
    const picture = { id: String(this.lastId), url: stored.url, directPath: stored.directPath };
    this.pictures.set(account, picture);
    return picture;
  }

  remove(account: Account): void {
    this.pictures.delete(account);
  }

  /**
   * `get` with `target`: the target's picture, the same file for `preview` and `image` (the sim makes no
   * thumbnails). `set` changes the device's own account's picture (no `<picture>` child removes it); setting a
   * group's picture is not implemented.
   */
  private async answer({ device, node }: DeviceStanza): Promise<BinaryNode[]> {
    const target = node.attrs.target ? this.core.findAccount(node.attrs.target) : device.account;
    if (node.attrs.type === 'get') {
      const picture = target ? this.pictures.get(target) : undefined;
      if (!picture) throw new IqError(404, 'item-not-found');
      const type = childNode(node, 'picture')?.attrs.type === 'image' ? 'image' : 'preview';
      return [{ tag: 'picture', attrs: { id: picture.id, type, url: picture.url, direct_path: picture.directPath } }];
    }
    if (node.attrs.type !== 'set') throw new IqError(400, 'bad-request');
    if (target !== device.account) throw new IqError(501, 'feature-not-implemented');
    const image = childBuffer(node, 'picture');
    if (!image || image.length === 0) {
      this.remove(device.account);
      return [];
    }
    const picture = await this.set(device.account, image);
    return [{ tag: 'picture', attrs: { id: picture.id } }];
  }
}
