// Command-line options of `npm run bench -- ...`.
import type { ServerKind } from './protocol.js';

/** Every option with its default. */
export interface Options {
  /** The server the bench starts and loads: this project's, or nginx with Nchan. */
  target: ServerKind;
  /** Also run the same load against this server, right after, and print both side by side ('' none). */
  compare: '' | 'nchan';
  url: string;
  pid: number | null;
  /** The token for creating events and posting ('': ask the server for a development token). */
  token: string;
  transport: 'ws' | 'sse' | 'poll' | 'mix';
  viewers: number;
  events: number;
  rate: number;
  /** Reactions per second sent beside the comments (over all events). */
  reactions: number;
  /** Multi-event connections for the memory-per-subscription run (0: not that run). */
  multiMemory: number;
  /** Viewers ask for a sampled tier of this many comments a second (`rate=`); 0 for all. */
  sampleRate: number;
  /** WebSocket viewers offer permessage-deflate (and inflate what comes compressed). */
  deflate: boolean;
  /** Comment text after the stamp: `x` filler, or chat-like words (what compression meets in use). */
  text: 'filler' | 'chat';
  /** How reactions are sent: WebSocket frames (as viewers do) or REST requests. */
  reactVia: 'http' | 'ws';
  post: 'http' | 'ws';
  duration: number;
  warmup: number;
  size: number;
  workers: number;
  posterConnections: number;
  depth: number;
  serverCpus: string;
  loadCpus: string;
  env: Record<string, string>;
  nodeArgs: string[];
  sweep: boolean;
  maxRate: number;
  step: number;
  targetP99: number;
  idle: number;
  search: boolean;
  comments: number;
  queries: number;
  runs: number;
  ingest: boolean;
  concurrency: number;
  /** The CPU grid: viewer counts x comment rates (`--grid`). */
  grid: boolean;
  gridViewers: number[];
  gridRates: number[];
  /** Another grid's result file, drawn beside this one (dashed). */
  gridCompare: string;
  /** What this run's lines are called in the grid's plot. */
  label: string;
  name: string;
  quiet: boolean;
  help: boolean;
}

export const DEFAULT_OPTIONS: Options = {
  target: 'livecomments',
  compare: '',
  url: '',
  pid: null,
  token: '',
  transport: 'ws',
  viewers: 1000,
  events: 1,
  rate: 100,
  reactions: 0,
  sampleRate: 0,
  multiMemory: 0,
  deflate: false,
  text: 'filler',
  reactVia: 'ws',
  post: 'http',
  duration: 20,
  warmup: 5,
  size: 100,
  workers: 2,
  posterConnections: 4,
  depth: 64,
  serverCpus: '0',
  loadCpus: '1',
  env: {},
  nodeArgs: [],
  sweep: false,
  maxRate: 100_000,
  step: 1.25,
  targetP99: 100,
  idle: 0,
  search: false,
  comments: 1_000_000,
  queries: 2000,
  runs: 3,
  ingest: false,
  concurrency: 64,
  grid: false,
  gridViewers: [50, 200, 500, 1000, 2000, 5000],
  gridRates: [1, 10, 50, 100, 200, 500],
  gridCompare: '',
  label: '',
  name: '',
  quiet: false,
  help: false,
};

export const USAGE = `npm run bench -- [options]

Fan-out (default): N viewers, P comments/s posted, latency/loss/throughput measured.
  --viewers N          viewers (default 1000)
  --transport T        ws | sse | poll | mix (default ws)
  --events E           events the viewers and posts are spread over (default 1: one hot event)
  --rate P             comments per second posted, over all events (default 100)
  --post http|ws       how the poster posts (default http)
  --reactions R        emoji reactions per second sent beside the comments (default 0); viewers
                       get them as one counts frame per window, so compare the comment p99 with
                       and without (the token's \`service\` role is not limited per user)
  --sample-rate R      viewers follow the sampled tier of R comments/s (\`rate=R\`); events are owned
                       by another user, who posts one priority comment a second; reports each
                       viewer's comments per second and the share of priority comments delivered
  --deflate            WebSocket viewers offer permessage-deflate and inflate compressed frames;
                       reports wire bytes per delivered comment (compare with a run without it)
  --text filler|chat   comment text after the send stamp: x filler (default) or chat-like words,
                       which is what compression meets in use (use chat for both deflate runs)
  --react-via ws|http  reactions as WebSocket frames, as viewers send them (default), or REST posts
  --duration D         measured seconds (default 20), after --warmup W seconds (default 5)
  --size C             characters per comment (default 100)
  --sweep              raise the rate (from --rate, x --step 1.25) until p99 > --target-p99 (100 ms)
                       or loss; reports the highest sustained rate (--max-rate caps it)
CPU grid:
  --grid               every viewer count x rate of --grid-viewers (50,200,500,1000,2000,5000) and
                       --grid-rates (1,10,50,100,200,500), one server per viewer count; reports µs
                       of server CPU per delivered comment, p50 and p99 per cell and draws them
                       (NAME.svg); --grid-compare FILE.json draws another grid's result beside it
                       (dashed), --label L names this run's lines
Multi-event memory:
  --multi-memory C     C WebSockets on /v1/ws follow 1 event each, then 100; reports server RSS per
                       added subscription

Search:
  --search             write --comments N (1,000,000) comments of one event into a SQLite store and
                       index them, then --runs R (3) rounds of --queries Q (2000) random word,
                       phrase and author searches against a server on that data; p50/p99 per round
Idle memory:
  --idle N             open N idle viewers (--transport ws|sse) and report server RSS per connection
Ingest:
  --ingest             closed-loop posting for --duration seconds against a bare node:http server,
                       then this server over HTTP, then over WebSocket (--concurrency in flight, 64)
Nchan, for comparison (fan-out, sweep and idle; ws or sse viewers, http posts):
  --target nchan       load a private nginx with Debian's Nchan module (installed with apt-get when
                       missing, as root; LC_BENCH_INSTALL=0 refuses) instead of this server: one
                       worker on --server-cpus, viewers on /sub/<event>, entries shaped like ours
                       published to /pub/<event> with the poster's seq
  --compare nchan      run this server, then Nchan, with the same options; print both side by side
Target and machine:
  --url URL [--pid P]  load a running server (its pid lets the bench read its CPU and RSS)
  --token T            token for creating events and posting, best with the \`service\` role (no rate
                       limits); or set LC_BENCH_TOKEN (not seen in \`ps\`). Without one the bench asks
                       the server for a development token, which only a server on this machine gives
  --server-cpus L      CPUs of the server the bench starts (taskset list, default 0; '' no pinning)
  --load-cpus L        CPUs of the load generator (default 1; '' no pinning)
  --workers K          viewer processes (default 2)
  --env K=V            environment of the server the bench starts (repeatable), e.g. --env LC_FLUSH_MS=10
  --server-workers N   worker processes of the server the bench starts (LC_WORKERS; CPU and RSS are
                       read over the primary and its workers)
  --node-args "..."    node flags of that server, e.g. --node-args=--cpu-prof
  --name NAME          result file name (bench/results/NAME.json, .svg, .html)
`;

/** Parses argv (without node and the script); `LC_BENCH_TOKEN` in `env` is the default token. */
export function parseOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Options {
  const o: Options = { ...DEFAULT_OPTIONS, env: {}, nodeArgs: [], token: env.LC_BENCH_TOKEN ?? '' };
  const args = [...argv];
  while (args.length > 0) {
    let arg = args.shift()!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = (): string => {
      const v = value ?? args.shift();
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const num = (min: number): number => {
      const v = Number(take());
      if (!Number.isFinite(v) || v < min) throw new Error(`${arg} must be a number >= ${min}`);
      return v;
    };
    switch (arg) {
      case '--target': {
        const t = take();
        if (t !== 'livecomments' && t !== 'nchan') throw new Error('--target is livecomments or nchan');
        o.target = t;
        break;
      }
      case '--compare': {
        const t = take();
        if (t !== 'nchan') throw new Error('--compare takes nchan');
        o.compare = t;
        break;
      }
      case '--url':
        o.url = take();
        break;
      case '--pid':
        o.pid = num(1);
        break;
      case '--token':
        o.token = take();
        break;
      case '--transport': {
        const t = take();
        if (!['ws', 'sse', 'poll', 'mix'].includes(t)) throw new Error('--transport is ws, sse, poll or mix');
        o.transport = t as Options['transport'];
        break;
      }
      case '--viewers':
        o.viewers = num(0);
        break;
      case '--events':
        o.events = num(1);
        break;
      case '--rate':
        o.rate = num(0);
        break;
      case '--reactions':
        o.reactions = num(0);
        break;
      case '--multi-memory':
        o.multiMemory = num(1);
        break;
      case '--sample-rate':
        o.sampleRate = num(1);
        break;
      case '--deflate':
        o.deflate = true;
        break;
      case '--text': {
        const v = take();
        if (v !== 'filler' && v !== 'chat') throw new Error('--text is filler or chat');
        o.text = v;
        break;
      }
      case '--react-via': {
        const v = take();
        if (v !== 'http' && v !== 'ws') throw new Error('--react-via is http or ws');
        o.reactVia = v;
        break;
      }
      case '--post': {
        const p = take();
        if (p !== 'http' && p !== 'ws') throw new Error('--post is http or ws');
        o.post = p;
        break;
      }
      case '--duration':
        o.duration = num(1);
        break;
      case '--warmup':
        o.warmup = num(0);
        break;
      case '--size':
        o.size = num(1);
        break;
      case '--workers':
        o.workers = num(1);
        break;
      case '--poster-connections':
        o.posterConnections = num(1);
        break;
      case '--depth':
        o.depth = num(1);
        break;
      case '--server-cpus':
        o.serverCpus = take();
        break;
      case '--load-cpus':
        o.loadCpus = take();
        break;
      case '--server-workers':
        o.env.LC_WORKERS = String(num(1));
        break;
      case '--env': {
        const kv = take();
        const i = kv.indexOf('=');
        if (i <= 0) throw new Error('--env takes NAME=VALUE');
        o.env[kv.slice(0, i)] = kv.slice(i + 1);
        break;
      }
      case '--node-args':
        o.nodeArgs.push(...take().split(/\s+/).filter(Boolean));
        break;
      case '--sweep':
        o.sweep = true;
        break;
      case '--max-rate':
        o.maxRate = num(1);
        break;
      case '--step':
        o.step = num(1.01);
        break;
      case '--target-p99':
        o.targetP99 = num(1);
        break;
      case '--search':
        o.search = true;
        break;
      case '--comments':
        o.comments = num(1);
        break;
      case '--queries':
        o.queries = num(1);
        break;
      case '--runs':
        o.runs = num(1);
        break;
      case '--idle':
        o.idle = num(1);
        break;
      case '--ingest':
        o.ingest = true;
        break;
      case '--concurrency':
        o.concurrency = num(1);
        break;
      case '--grid':
        o.grid = true;
        break;
      case '--grid-viewers':
        o.gridViewers = list(arg, take());
        break;
      case '--grid-rates':
        o.gridRates = list(arg, take());
        break;
      case '--grid-compare':
        o.gridCompare = take();
        break;
      case '--label':
        o.label = take();
        break;
      case '--name':
        o.name = take();
        break;
      case '--quiet':
        o.quiet = true;
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  checkNchan(o);
  return o;
}

/** A comma-separated list of positive numbers. */
function list(arg: string, text: string): number[] {
  const values = text.split(',').map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new Error(`${arg} takes positive numbers separated by commas`);
  }
  return values;
}

/** Refuses what the nchan target cannot do: Nchan has no API of ours (events, tokens, reactions). */
function checkNchan(o: Options): void {
  if (o.target !== 'nchan' && !o.compare) return;
  const flag = o.compare ? '--compare nchan' : '--target nchan';
  if (o.compare && o.target === 'nchan') throw new Error('--compare nchan runs this server first: drop --target nchan');
  const refused: [boolean, string][] = [
    [o.transport !== 'ws' && o.transport !== 'sse', `--transport ${o.transport} (ws or sse)`],
    [o.post !== 'http', '--post ws (Nchan publishes over http)'],
    [o.reactions > 0, '--reactions'],
    [o.sampleRate > 0, '--sample-rate'],
    [o.url !== '', '--url (the bench starts its own nginx)'],
    [o.search, '--search'],
    [o.ingest, '--ingest'],
    [o.multiMemory > 0, '--multi-memory'],
    [o.grid, '--grid (use --grid-compare with another grid file)'],
    [o.compare !== '' && o.idle > 0, '--idle (run it with --target nchan)'],
  ];
  const bad = refused.filter(([no]) => no).map(([, what]) => what);
  if (bad.length > 0) throw new Error(`${flag} does not take ${bad.join(', ')}`);
}

/** Whether an environment variable holds a secret (a results file must not show its value). */
function secretName(name: string): boolean {
  return /SECRET|TOKEN|PASSWORD|KEY/i.test(name);
}

/** The command line as results record it: the token and secret `--env` values hidden. */
export function recordedCommand(argv: readonly string[]): string {
  const shown = argv.map((arg, i) => {
    if (arg.startsWith('--token=')) return '--token=***';
    if (argv[i - 1] === '--token') return '***';
    const env = arg.startsWith('--env=') ? arg.slice(6) : argv[i - 1] === '--env' ? arg : null;
    const name = env?.slice(0, env.indexOf('='));
    if (name && secretName(name)) return `${arg.slice(0, arg.length - env!.length)}${name}=***`;
    return arg;
  });
  return `npm run bench -- ${shown.join(' ')}`;
}

/** `--env` settings as results record them, secret values hidden. */
export function recordedEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, secretName(k) ? '***' : v]));
}
