// Publishing to RabbitMQ: one connection per broker and credentials, a confirm channel on it, durable topic exchanges,
// persistent messages, and success only when the broker confirms. A connection that closes (a broker restart) is
// forgotten and opened again by the next attempt.
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { withTimeout } from '../core/runtime/with-timeout';
import { BrokerMessage, connectionKey } from './broker-message';
import { BrokerCredentials, withCredentials } from './broker-url';

export interface RabbitMqTarget {
  url: string;
  credentials: BrokerCredentials | null;
  exchange: string;
}

interface RabbitConnection {
  model: ChannelModel;
  channel?: Promise<ConfirmChannel>;
  /** Exchanges asserted on the current channel. */
  exchanges: Set<string>;
}

@Injectable()
export class RabbitMqPublisher implements OnApplicationShutdown {
  private readonly connections = new Map<string, Promise<RabbitConnection>>();

  /** Resolves once the broker confirmed the message; rejects (without credentials in the message) otherwise. */
  async publish(target: RabbitMqTarget, message: BrokerMessage, timeoutMs: number): Promise<void> {
    const key = connectionKey(target);
    try {
      await withTimeout(this.send(key, target, message, timeoutMs), timeoutMs, `Timed out after ${timeoutMs / 1000} s`);
    } catch (error) {
      // A broker that does not confirm in time may hold a half-dead connection: the next attempt starts afresh.
      this.forget(key);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const connections = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      connections.map((connection) => connection.then(({ model }) => model.close()).catch(() => undefined)),
    );
  }

  private async send(key: string, target: RabbitMqTarget, message: BrokerMessage, timeoutMs: number): Promise<void> {
    const connection = await this.connection(key, target, timeoutMs);
    const channel = await this.channel(connection);
    if (!connection.exchanges.has(target.exchange)) {
      await channel.assertExchange(target.exchange, 'topic', { durable: true });
      connection.exchanges.add(target.exchange);
    }
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        target.exchange,
        message.address,
        message.body,
        {
          persistent: true,
          messageId: message.id,
          type: message.type,
          contentType: 'application/json',
          appId: 'wago',
        },
        (error: unknown) =>
          error ? reject(error instanceof Error ? error : new Error('The broker refused the message')) : resolve(),
      );
    });
  }

  private connection(key: string, target: RabbitMqTarget, timeoutMs: number): Promise<RabbitConnection> {
    let connection = this.connections.get(key);
    if (!connection) {
      connection = this.open(key, target, timeoutMs);
      this.connections.set(key, connection);
      connection.catch(() => {
        if (this.connections.get(key) === connection) this.connections.delete(key);
      });
    }
    return connection;
  }

  private async open(key: string, target: RabbitMqTarget, timeoutMs: number): Promise<RabbitConnection> {
    const model = await connect(withCredentials(target.url, target.credentials), {
      timeout: timeoutMs,
      clientProperties: { connection_name: 'wago-sinks' },
    });
    // A connection's error is followed by its close; the attempt in flight fails on its own.
    model.on('error', () => undefined);
    model.on('close', () => this.forget(key, model));
    return { model, exchanges: new Set() };
  }

  /** The connection's confirm channel; a channel the broker closed (a refused exchange) is opened again. */
  private channel(connection: RabbitConnection): Promise<ConfirmChannel> {
    if (!connection.channel) {
      const channel = connection.model.createConfirmChannel().then((opened) => {
        opened.on('error', () => undefined);
        opened.on('close', () => {
          if (connection.channel === channel) {
            connection.channel = undefined;
            connection.exchanges.clear();
          }
        });
        return opened;
      });
      connection.channel = channel;
      channel.catch(() => {
        if (connection.channel === channel) connection.channel = undefined;
      });
    }
    return connection.channel;
  }

  /** Forgets the connection (a closed one, when `model` says which), closing it when it is dropped while open. */
  private forget(key: string, model?: ChannelModel): void {
    const connection = this.connections.get(key);
    if (!connection) return;
    if (!model) {
      this.connections.delete(key);
      void connection.then((open) => open.model.close()).catch(() => undefined);
      return;
    }
    void connection.then(
      (open) => {
        if (open.model === model && this.connections.get(key) === connection) this.connections.delete(key);
      },
      () => undefined,
    );
  }
}
