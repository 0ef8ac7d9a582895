// The yardstick of the ingest bench: a bare node:http server that reads a JSON POST, parses it
// and answers 201 with a small JSON body, as cheaply as node:http allows. PORT from the env.
import { createServer } from 'node:http';

let seq = 0;
const server = createServer(function answer(req, res) {
  if (req.method === 'GET') {
    res.end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let text = '';
    try {
      text = String((JSON.parse(Buffer.concat(chunks).toString()) as { text?: unknown }).text ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const body = JSON.stringify({ comment: { seq: ++seq, text }, status: 'published' });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 8090), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
