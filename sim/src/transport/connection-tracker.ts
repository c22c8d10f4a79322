// The open client connections, so outages and shutdown can reach every one of them.
import type { WaConnection } from './wa-connection';

export class ConnectionTracker {
  private readonly connections = new Set<WaConnection>();

  get size(): number {
    return this.connections.size;
  }

  add(connection: WaConnection): void {
    this.connections.add(connection);
  }

  delete(connection: WaConnection): void {
    this.connections.delete(connection);
  }

  dropAll(): void {
    for (const connection of [...this.connections]) connection.drop();
    this.connections.clear();
  }
}
