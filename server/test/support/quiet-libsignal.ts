// The simulator's phones run libsignal in the test process, and libsignal prints whole session records, private keys
// included, to the console: the tests' output filters them as the server's does.
import { quietLibsignal } from '../../src/whatsapp/baileys/quiet-libsignal';

quietLibsignal();
