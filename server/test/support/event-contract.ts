// Checks events against the AsyncAPI document's schemas (JSON Schema, with formats), so every test that receives an
// event (a webhook request, a Socket.IO event, a WebSocket frame) also checks that it is what the document promises.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { asyncApiDocument, type AsyncApiDocument } from '../../src/event-api/asyncapi-document';

export type { AsyncApiDocument };

const ROOT = 'urn:wago:asyncapi';

/** The document the server serves, built from the same code (the event-api e2e test compares the two). */
export function localAsyncApiDocument(): AsyncApiDocument {
  return asyncApiDocument('http://localhost:3000');
}

/** Validates payloads against a document's message schemas; refusals read `<channel> <event>: <path> <problem>`. */
export class EventContract {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: AsyncApiDocument) {
    this.ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(this.ajv);
    // `#/components/schemas/X` everywhere becomes `urn:wago:asyncapi#/$defs/X`: one schema holds them all.
    const schemas = JSON.parse(
      JSON.stringify(document.components.schemas).replaceAll('"#/components/schemas/', `"${ROOT}#/$defs/`),
    ) as Record<string, unknown>;
    this.ajv.addSchema({ $id: ROOT, $defs: schemas });
  }

  /** The names of the messages a channel carries (`session.status`, `message.received`, …). */
  messagesOf(channel: string): string[] {
    return Object.values(this.channel(channel).messages).map((message) => this.message(message.$ref).name);
  }

  /** What is wrong with the payload as the channel's message of that name; empty when it conforms. */
  problems(channel: string, name: string, payload: unknown): string[] {
    const validate = this.validator(channel, name);
    if (!validate) return [`${channel} ${name}: the AsyncAPI document describes no such message`];
    if (validate(payload)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${channel} ${name}: ${error.instancePath || '/'} ${error.message ?? 'is invalid'}` +
        (error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''),
    );
  }

  /** Throws, naming every problem, unless the payload conforms. */
  assertValid(channel: string, name: string, payload: unknown): void {
    const found = this.problems(channel, name, payload);
    if (found.length > 0) {
      throw new Error(
        `An event does not match the AsyncAPI document:\n${found.join('\n')}\n${JSON.stringify(payload)}`,
      );
    }
  }

  private validator(channel: string, name: string): ValidateFunction | undefined {
    const key = `${channel} ${name}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const reference = Object.values(this.channel(channel).messages).find(
        (message) => this.message(message.$ref).name === name,
      );
      if (!reference) return undefined;
      const payload = JSON.stringify(this.message(reference.$ref).payload).replaceAll(
        '"#/components/schemas/',
        `"${ROOT}#/$defs/`,
      );
      validate = this.ajv.compile(JSON.parse(payload) as object);
      this.validators.set(key, validate);
    }
    return validate;
  }

  private channel(channel: string): AsyncApiDocument['channels'][string] {
    const found = this.document.channels[channel];
    if (!found) throw new Error(`The AsyncAPI document has no channel ${channel}`);
    return found;
  }

  private message(pointer: string): AsyncApiDocument['components']['messages'][string] {
    const found = this.document.components.messages[pointer.replace('#/components/messages/', '')];
    if (!found) throw new Error(`Unresolved ${pointer}`);
    return found;
  }
}

let local: EventContract | undefined;

/** The contract every test support helper checks received events against. */
export function eventContract(): EventContract {
  local ??= new EventContract(localAsyncApiDocument());
  return local;
}
