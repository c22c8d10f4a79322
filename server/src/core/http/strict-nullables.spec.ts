import type { OpenAPIObject } from '@nestjs/swagger';
import { strictNullables } from './strict-nullables';

const device = {
  type: 'object' as const,
  properties: { platform: { type: 'string' as const, nullable: true } },
  required: ['platform'],
};

function documentWith(property: Record<string, unknown>): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 'test', version: '1' },
    paths: {},
    components: {
      schemas: {
        DeviceDto: device,
        SessionDto: { type: 'object', properties: { field: property }, required: ['field'] },
      },
    },
  };
}

function fieldOf(document: OpenAPIObject): unknown {
  const session = document.components?.schemas?.SessionDto as { properties: Record<string, unknown> };
  return session.properties.field;
}

describe('strictNullables', () => {
  it('writes a nullable reference inline, with nullable beside the object type', () => {
    const document = documentWith({
      nullable: true,
      type: 'object',
      description: 'The linked device',
      allOf: [{ $ref: '#/components/schemas/DeviceDto' }],
    });
    expect(fieldOf(strictNullables(document))).toEqual({
      ...device,
      nullable: true,
      description: 'The linked device',
    });
  });

  it('leaves a reference that is never null as a reference', () => {
    const document = documentWith({ $ref: '#/components/schemas/DeviceDto' });
    expect(fieldOf(strictNullables(document))).toEqual({ $ref: '#/components/schemas/DeviceDto' });
  });

  it('adds null to the values of a nullable enum', () => {
    const document = documentWith({ type: 'string', nullable: true, enum: ['pn', 'lid'] });
    expect(fieldOf(strictNullables(document))).toEqual({ type: 'string', nullable: true, enum: ['pn', 'lid', null] });
  });

  it('rewrites nullable references inside array items', () => {
    const document = documentWith({
      type: 'array',
      items: { nullable: true, allOf: [{ $ref: '#/components/schemas/DeviceDto' }] },
    });
    expect(fieldOf(strictNullables(document))).toEqual({ type: 'array', items: { ...device, nullable: true } });
  });
});
