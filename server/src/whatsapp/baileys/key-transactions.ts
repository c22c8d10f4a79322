// One Signal key transaction at a time per WhatsApp connection: Baileys' own locking lets two of them lose an update.
import type { SignalKeyStoreWithTransaction } from '@whiskeysockets/baileys';

/**
 * Baileys' deleteSession transactions (`delete-<n>-sessions`) keep their own lock: a device-list notification runs
 * them while it holds Baileys' device lock, which a message send takes from inside its own transaction, so sharing
 * the lock would let the two wait for each other for ever.
 */
const SESSION_DELETION = /^delete-\d+-sessions$/;

/**
 * Baileys (7.0.0-rc14, addTransactionCapability) locks a key transaction by a name its caller picks: the sender's
 * JID to decrypt, the group to decrypt an skmsg, our own JID for a whole send. Transactions under different names run
 * at the same time, each reading keys from the store and writing every key it touched back in one batch when it
 * ends; neither sees the other's uncommitted writes, so when both change the same Signal session the later commit
 * erases the earlier one's change. That is how a group message was lost: while the gateway sent to groups (one long
 * transaction that starts sessions with the members' phones) it decrypted messages from those phones (other
 * transactions on the same sessions); one of its sessions with a phone was overwritten, the phone went on
 * encrypting with the session the gateway no longer had, and its next sender-key distribution (a `msg`) failed with
 * `No matching sessions found for message`, the skmsg behind it with `No session found to decrypt message` (logged
 * after `transaction failed, rolling back`, which is that decrypt transaction failing, not the cause).
 *
 * Running every transaction of the connection under one lock makes them serial, as the key store assumes. The
 * store object is shared by reference by everything in the socket (the Signal repository, send and receive), so
 * replacing its method here covers every caller; nested transactions still join the one they run in.
 */
export function serialiseKeyTransactions(keys: SignalKeyStoreWithTransaction, lockName: string): void {
  const transaction = keys.transaction.bind(keys);
  keys.transaction = <T>(work: () => Promise<T>, key: string): Promise<T> =>
    transaction(work, SESSION_DELETION.test(key) ? key : lockName);
}
