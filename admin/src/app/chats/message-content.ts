// How a stored message reads in words: who sent it, and a one-line summary of what it holds, by its type.
import type { HistoryMessage, MessageLocation, MessageMedia, MessageType } from '../core/api-types';
import { formatFileSize } from '../core/format';

export const MESSAGE_TYPE_LABELS: Record<MessageType, string> = {
  text: $localize`:message type:Text`,
  image: $localize`:message type:Photo`,
  video: $localize`:message type:Video`,
  audio: $localize`:message type:Audio`,
  document: $localize`:message type:Document`,
  sticker: $localize`:message type:Sticker`,
  location: $localize`:message type:Location`,
  contact: $localize`:message type:Contact`,
  unsupported: $localize`:message type:Unsupported content`,
};

/** The sender as WhatsApp shows them: their push name, else their phone-number JID, else their LID. */
export function senderName(message: HistoryMessage): string {
  if (message.fromMe) return $localize`:the sender of a message:You`;
  const { pushName, pn, lid } = message.sender;
  return pushName ?? pn ?? lid ?? $localize`Unknown sender`;
}

/** `Voice note · 0:12`, `Document · report.pdf · 1.2 MB`: what kind of file, and what is known of it. */
export function describeMedia(message: HistoryMessage, media: MessageMedia): string {
  const kind = media.ptt ? $localize`Voice note` : MESSAGE_TYPE_LABELS[message.type];
  const parts = [kind];
  if (media.fileName) parts.push(media.fileName);
  if (media.seconds !== null) parts.push(formatSeconds(media.seconds));
  if (media.size !== null) parts.push(formatFileSize(media.size));
  return parts.join(' · ');
}

/** `Location: Blue Bottle, 1 Ferry Building (37.79552, -122.39342)`. */
export function describeLocation(location: MessageLocation): string {
  const place = [location.name, location.address].filter(Boolean).join(', ');
  const coordinates = `(${roundCoordinate(location.latitude)}, ${roundCoordinate(location.longitude)})`;
  const where = place ? `${place} ${coordinates}` : coordinates;
  return $localize`Location: ${where}:place:`;
}

/** One line for lists: the text, or the kind of content with its caption or name. */
export function messagePreview(message: HistoryMessage): string {
  if (message.deletedAt) return $localize`This message was deleted`;
  const label = MESSAGE_TYPE_LABELS[message.type];
  switch (message.type) {
    case 'text':
      return message.text ?? '';
    case 'location':
      return [label, message.location?.name].filter(Boolean).join(': ');
    case 'contact':
      return [label, message.contact?.displayName].filter(Boolean).join(': ');
    case 'unsupported':
      return message.unsupported ? `${label} (${message.unsupported})` : label;
    default:
      return [label, message.text ?? message.media?.fileName].filter(Boolean).join(': ');
  }
}

function formatSeconds(total: number): string {
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** Five decimals (about a metre), without trailing zeros. */
function roundCoordinate(degrees: number): number {
  return Number(degrees.toFixed(5));
}
