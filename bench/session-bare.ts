/**
 * The bare Socket.IO broadcast server the session benchmark compares Silta with: one room, and
 * on `note:add` it acknowledges and broadcasts `note:added` (the payload and a sequence number)
 * to the room, with nothing else (no authentication, validation, storage or presence). Started
 * as a child by bench/session-load.ts: port in BENCH_PORT; prints BENCH_READY when listening.
 */
import http from 'node:http';
import { Server } from 'socket.io';

const ROOM = 'session';
const server = http.createServer();
// The same engine options as Silta's realtime (server/sockets/io.ts) that bear on a broadcast.
const io = new Server(server, {
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
});
let seq = 0;

io.on('connection', (socket) => {
  socket.on('session:join', (_payload: unknown, ack: (answer: unknown) => void) => {
    void socket.join(ROOM);
    ack({ data: { kind: 'state', seq } });
  });
  socket.on('note:add', (payload: Record<string, unknown>, ack: (answer: unknown) => void) => {
    seq += 1;
    ack({ data: { seq } });
    io.to(ROOM).emit('note:added', { ...payload, seq });
  });
});

server.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => console.log('BENCH_READY'));
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
