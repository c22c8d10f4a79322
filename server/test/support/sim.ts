// Driving the simulated phones in WAGO's tests.
import type { SimHandle } from '../../../sim/src/index';

/**
 * The phone's user types the code. The client's code request reaches the sim a moment after the code is shown, as
 * with a real phone where nobody types that fast, so this retries briefly while the sim has no request yet.
 */
export async function typePairingCode(sim: SimHandle, phoneNumber: string, code: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await sim.link(phoneNumber, { pairingCode: code });
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404 || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
