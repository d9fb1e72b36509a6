import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { createLogger } from '../../server/logger';
import { AnswerThen, command } from '../../server/sockets/command';
import type { SiltaSocket } from '../../server/sockets/events';

/** A logger whose lines are kept, and a socket with only what `command` reads. */
function harness() {
  const lines: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }),
  );
  const socket = { id: 'socket-1', data: { language: 'en' } } as unknown as SiltaSocket;
  return { lines, logger, socket };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('socket commands: acknowledge, then broadcast', () => {
  it('sends the answer before the work that waits for it (a mutation is acknowledged before it is broadcast)', async () => {
    const { logger, socket } = harness();
    const order: string[] = [];
    const handler = command(
      socket,
      logger,
      z.object({ n: z.number() }),
      async ({ n }) => new AnswerThen({ seq: n }, () => order.push('broadcast')),
    );
    handler({ n: 7 }, (answer: unknown) => order.push(`ack ${JSON.stringify(answer)}`));
    await settle();
    assert.deepEqual(order, ['ack {"data":{"seq":7}}', 'broadcast']);
  });

  it('a broadcast that throws after the answer is logged and does not escape', async () => {
    const { lines, logger, socket } = harness();
    const acks: unknown[] = [];
    const handler = command(
      socket,
      logger,
      z.object({}),
      () =>
        new AnswerThen({ seq: 1 }, () => {
          throw new Error('adapter down');
        }),
    );
    handler({}, (answer: unknown) => acks.push(answer));
    await settle();
    assert.deepEqual(acks, [{ data: { seq: 1 } }]);
    assert.ok(
      lines.some((line) => line.includes('broadcast after acknowledgement failed') && line.includes('adapter down')),
      lines.join('\n'),
    );
  });

  it('a refused payload is answered with an error and runs nothing', async () => {
    const { logger, socket } = harness();
    let ran = false;
    const acks: unknown[] = [];
    const handler = command(
      socket,
      logger,
      z.object({ n: z.number() }),
      () => new AnswerThen({ seq: 1 }, () => (ran = true)),
    );
    handler({ n: 'seven' }, (answer) => acks.push(answer));
    await settle();
    assert.equal(acks.length, 1);
    assert.ok(acks[0] && typeof acks[0] === 'object' && 'error' in acks[0], JSON.stringify(acks[0]));
    assert.equal(ran, false);
  });
});
