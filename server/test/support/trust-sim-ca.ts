// Makes this test process trust the simulator's CA (its media host speaks HTTPS), as NODE_EXTRA_CA_CERTS would,
// without turning any TLS check off: Baileys' uploads (https) and downloads (fetch) both verify against it.
import tls from 'node:tls';
import { ensureSimCa } from '../../../sim/src/media';

const simCa = ensureSimCa().certificatePem;
const trusted = tls.getCACertificates('default');
if (!trusted.includes(simCa)) tls.setDefaultCACertificates([...trusted, simCa]);
