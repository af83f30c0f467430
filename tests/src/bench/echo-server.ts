/**
 * The latency baseline's server: a bare socket.io server (websocket transport, same package and version as the
 * backend's) that acknowledges every `echo` with what it was sent. Prints `listening on http://127.0.0.1:PORT`.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer();
const io = new Server(httpServer, { path: '/socket.io', transports: ['websocket', 'polling'], serveClient: false, cors: { origin: false } });
io.on('connection', (socket) => {
  socket.on('echo', (payload: unknown, ack?: (payload: unknown) => void) => {
    if (typeof ack === 'function') ack(payload);
  });
});
httpServer.listen(0, '127.0.0.1', () => {
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
const stop = () => io.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
