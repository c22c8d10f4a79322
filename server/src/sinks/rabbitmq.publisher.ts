// Publishing to RabbitMQ: one connection per broker and credentials, a confirm channel on it, durable topic exchanges,
// persistent mandatory messages, and success only when the broker confirms a message it routed to a queue. A
// connection that closes (a broker restart) is forgotten and opened again by the next attempt.
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { TimeoutError, withTimeout } from '../core/runtime/with-timeout';
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
  /** Ids of messages the broker returned as unroutable; the return comes before the message's confirm. */
  returned: Set<string>;
}

/** Published `mandatory`: an exchange with no queue bound for the key would otherwise confirm and drop the event. */
export const UNROUTABLE =
  'The broker routed the event to no queue (bind a queue to the exchange for this routing key); retried';

@Injectable()
export class RabbitMqPublisher implements OnApplicationShutdown {
  private readonly connections = new Map<string, Promise<RabbitConnection>>();

  /** Resolves once the broker confirmed the message; rejects (without credentials in the message) otherwise. */
  async publish(target: RabbitMqTarget, message: BrokerMessage, timeoutMs: number): Promise<void> {
    const key = connectionKey(target);
    const used: { model?: ChannelModel } = {};
    try {
      await withTimeout(
        this.send(key, target, message, timeoutMs, used),
        timeoutMs,
        `Timed out after ${timeoutMs / 1000} s`,
      );
    } catch (error) {
      // A broker that does not confirm in time may hold a half-dead connection: the next attempt starts afresh. Any
      // other failure is this sink's own (a refused exchange closes only the channel, a lost connection forgets
      // itself): the connection other sinks share stays.
      if (error instanceof TimeoutError) this.drop(key, used.model);
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

  private async send(
    key: string,
    target: RabbitMqTarget,
    message: BrokerMessage,
    timeoutMs: number,
    used: { model?: ChannelModel },
  ): Promise<void> {
    const connection = await this.connection(key, target, timeoutMs);
    used.model = connection.model;
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
          mandatory: true,
          messageId: message.id,
          type: message.type,
          contentType: 'application/json',
          appId: 'wago',
        },
        (error: unknown) => {
          if (error) reject(error instanceof Error ? error : new Error('The broker refused the message'));
          else if (connection.returned.delete(message.id)) reject(new Error(UNROUTABLE));
          else resolve();
        },
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
    return { model, exchanges: new Set(), returned: new Set() };
  }

  /** The connection's confirm channel; a channel the broker closed (a refused exchange) is opened again. */
  private channel(connection: RabbitConnection): Promise<ConfirmChannel> {
    if (!connection.channel) {
      const channel = connection.model.createConfirmChannel().then((opened) => {
        opened.on('error', () => undefined);
        opened.on('return', (returned: { properties: { messageId?: unknown } }) => {
          if (typeof returned.properties.messageId === 'string') connection.returned.add(returned.properties.messageId);
        });
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

  /** Forgets a connection that closed, if it is still the current one for its broker. */
  private forget(key: string, model: ChannelModel): void {
    const connection = this.connections.get(key);
    void connection?.then(
      (open) => {
        if (open.model === model && this.connections.get(key) === connection) this.connections.delete(key);
      },
      () => undefined,
    );
  }

  /** Drops and closes the connection an attempt timed out on (not one opened since by another attempt). */
  private drop(key: string, model: ChannelModel | undefined): void {
    if (!model) return;
    this.forget(key, model);
    model.close().catch(() => undefined);
  }
}
