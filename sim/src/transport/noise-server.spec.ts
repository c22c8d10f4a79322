import pino from 'pino';
import { generateKeyPair, sign, verify } from '../core/crypto';
import { loadWaLibrary, type WaLibrary } from '../core/wa-library';
import { CertificateAuthority } from './certificates';
import { encodeFrame, FrameReader, NoiseServerHandshake } from './noise-server';

describe('NoiseServerHandshake', () => {
  let lib: WaLibrary;

  beforeAll(async () => {
    lib = await loadWaLibrary();
  });

  /** Drives Baileys' own client-side noise handler against the sim's responder. */
  const handshake = () => {
    const certificates = new CertificateAuthority(lib);
    const clientEphemeral = lib.Curve.generateKeyPair();
    const clientStatic = lib.Curve.generateKeyPair();
    const client = lib.makeNoiseHandler({
      keyPair: clientEphemeral,
      NOISE_HEADER: lib.NOISE_WA_HEADER,
      logger: pino({ level: 'silent' }),
    });
    const server = new NoiseServerHandshake(Buffer.from(lib.NOISE_WA_HEADER), certificates.serverStatic);
    const serverHello = server.respond(Buffer.from(clientEphemeral.public), certificates.chain);
    const encryptedStatic = client.processHandshake(lib.proto.HandshakeMessage.create({ serverHello }), clientStatic);
    const encryptedPayload = client.encrypt(Buffer.from('client payload'));
    const finished = server.finish(Buffer.from(encryptedStatic), Buffer.from(encryptedPayload));
    return { client, finished, clientStatic, certificates };
  };

  it("completes Baileys' client handshake and learns the client's static key and payload", () => {
    const { finished, clientStatic } = handshake();
    expect(finished.clientStatic.equals(Buffer.from(clientStatic.public))).toBe(true);
    expect(finished.payload.toString()).toBe('client payload');
  });

  it('carries binary nodes both ways once the transport is up', async () => {
    const { client, finished } = handshake();
    await client.finishInit();

    const node = { tag: 'iq', attrs: { id: '1', type: 'get', xmlns: 'w:p' }, content: [{ tag: 'ping', attrs: {} }] };
    const fromClient = client.encodeFrame(lib.encodeBinaryNode(node));
    const reader = new FrameReader();
    const [frame] = reader.push(Buffer.from(fromClient));
    expect(await lib.decodeBinaryNode(finished.transport.decrypt(frame))).toEqual(node);

    const answer = { tag: 'iq', attrs: { id: '1', type: 'result', from: 's.whatsapp.net' } };
    const received: unknown[] = [];
    await client.decodeFrame(encodeFrame(finished.transport.encrypt(lib.encodeBinaryNode(answer))), (decoded) =>
      received.push(decoded),
    );
    expect(received).toEqual([answer]);
  });

  it('signs the certificate chain from its own root down to the server key, with WhatsApp serials', () => {
    const { certificates } = handshake();
    const { leaf, intermediate } = lib.proto.CertChain.decode(certificates.chain);
    const { Details } = lib.proto.CertChain.NoiseCertificate;
    const bytes = (value: Uint8Array | null | undefined): Buffer => Buffer.from(value ?? []);
    const intermediateDetails = Details.decode(bytes(intermediate?.details));
    const leafDetails = Details.decode(bytes(leaf?.details));
    expect(intermediateDetails.issuerSerial).toBe(lib.WA_CERT_DETAILS.SERIAL);
    expect(leafDetails.issuerSerial).toBe(intermediateDetails.serial);
    expect(bytes(leafDetails.key).equals(certificates.serverStatic.public)).toBe(true);
    expect(verify(certificates.root.public, bytes(intermediate?.details), bytes(intermediate?.signature))).toBe(true);
    expect(verify(bytes(intermediateDetails.key), bytes(leaf?.details), bytes(leaf?.signature))).toBe(true);
    expect(verify(generateKeyPair().public, bytes(intermediate?.details), bytes(intermediate?.signature))).toBe(false);
  });

  it('rejects a client that answers with keys from another handshake', () => {
    const certificates = new CertificateAuthority(lib);
    const server = new NoiseServerHandshake(Buffer.from(lib.NOISE_WA_HEADER), certificates.serverStatic);
    server.respond(Buffer.from(lib.Curve.generateKeyPair().public), certificates.chain);
    expect(() => server.finish(sign(generateKeyPair().private, Buffer.from('x')), Buffer.alloc(32))).toThrow();
  });
});

describe('FrameReader', () => {
  it('strips the intro header once and reassembles frames split across reads', () => {
    const reader = new FrameReader();
    const stream = Buffer.concat([
      Buffer.from([87, 65, 6, 3]),
      encodeFrame(Buffer.from('hello')),
      encodeFrame(Buffer.from('!')),
    ]);
    expect(reader.push(stream.subarray(0, 6))).toEqual([]);
    expect(reader.header).toEqual(Buffer.from([87, 65, 6, 3]));
    expect(reader.push(stream.subarray(6)).map(String)).toEqual(['hello', '!']);
  });

  it('skips the routing-info prefix a client adds once it was given edge routing', () => {
    const reader = new FrameReader();
    const routing = Buffer.from([1, 2, 3]);
    const prefix = Buffer.concat([Buffer.from('ED'), Buffer.from([0, 1, 0, 0, routing.length]), routing]);
    const frames = reader.push(Buffer.concat([prefix, Buffer.from([87, 65, 6, 3]), encodeFrame(Buffer.from('hi'))]));
    expect(frames.map(String)).toEqual(['hi']);
  });
});
