import {
  arrayOf,
  dateTime,
  literal,
  nullable,
  object,
  oneOf,
  oneOfValues,
  optional,
  SchemaComponents,
  string,
  type Schema,
} from './typed-schema';

interface Chat {
  jid: string;
  kind: 'direct' | 'group';
  name: string | null;
  topic?: string;
}

describe('typed JSON Schemas', () => {
  it('describes an object with its required properties, its optional ones and no others', () => {
    const chat = object<Chat>({
      jid: string(),
      kind: oneOfValues(['direct', 'group']),
      name: nullable(string()),
      topic: optional(string()),
    });
    expect(chat.json).toEqual({
      type: 'object',
      properties: {
        jid: { type: 'string' },
        kind: { type: 'string', enum: ['direct', 'group'] },
        name: { type: ['string', 'null'] },
        topic: { type: 'string' },
      },
      required: ['jid', 'kind', 'name'],
      additionalProperties: false,
    });
  });

  it('writes null as a type array beside a type, among an enum’s values, and as anyOf beside a reference', () => {
    expect(nullable(dateTime({ description: 'When' })).json).toEqual({
      type: ['string', 'null'],
      format: 'date-time',
      description: 'When',
    });
    expect(nullable(oneOfValues(['pn', 'lid'])).json).toEqual({ type: ['string', 'null'], enum: ['pn', 'lid', null] });
    const components = new SchemaComponents();
    const chat = components.define('Chat', object<{ jid: string }>({ jid: string() }));
    expect(nullable(chat, { description: 'The chat' }).json).toEqual({
      description: 'The chat',
      anyOf: [{ $ref: '#/components/schemas/Chat' }, { type: 'null' }],
    });
  });

  it('keeps named schemas as components and refuses a name defined twice', () => {
    const components = new SchemaComponents();
    const ids = components.define('Ids', arrayOf(string()));
    expect(ids.json).toEqual({ $ref: '#/components/schemas/Ids' });
    expect(components.all()).toEqual({ Ids: { type: 'array', items: { type: 'string' } } });
    expect(() => components.define('Ids', arrayOf(string()))).toThrow('Schema Ids is defined twice');
  });

  it('describes a union as oneOf its alternatives, each with its literal', () => {
    const ack = oneOf<[{ ok: true }, { ok: false }]>(
      object<{ ok: true }>({ ok: literal(true) }),
      object<{ ok: false }>({ ok: literal(false) }),
    );
    expect(ack.json.oneOf?.map((alternative) => alternative.properties?.ok)).toEqual([
      { type: 'boolean', const: true },
      { type: 'boolean', const: false },
    ]);
  });

  it('does not compile when a schema and its type disagree', () => {
    const mismatches = [
      // @ts-expect-error a property of the type is missing
      () => object<Chat>({ jid: string(), kind: oneOfValues(['direct', 'group']), name: nullable(string()) }),
      () =>
        object<Chat>({
          jid: string(),
          kind: oneOfValues(['direct', 'group']),
          // @ts-expect-error the type allows null, the schema does not
          name: string(),
          topic: optional(string()),
        }),
      () =>
        object<Chat>({
          jid: string(),
          // @ts-expect-error a value the type does not have
          kind: oneOfValues(['direct', 'group', 'channel']),
          name: nullable(string()),
          topic: optional(string()),
        }),
      () =>
        object<Chat>({
          jid: string(),
          kind: oneOfValues(['direct', 'group']),
          name: nullable(string()),
          // @ts-expect-error an optional property written as a required one
          topic: string(),
        }),
      () =>
        object<Chat>({
          jid: string(),
          kind: oneOfValues(['direct', 'group']),
          name: nullable(string()),
          topic: optional(string()),
          // @ts-expect-error a property the type does not have
          extra: string(),
        }),
    ];
    const typed: Schema<string | null> = nullable(string());
    expect(mismatches).toHaveLength(5);
    expect(typed.json.type).toEqual(['string', 'null']);
  });
});
