#!/usr/bin/env node
// Scripted protocol client, used by internal/sync/node_test.go.
//
//   node run.mjs --url WSURL --token T --brief ID --section KEY --client ID --script SCRIPT_JSON
//
// SCRIPT_JSON is a JSON list of steps (or @FILE naming a file holding it):
//   {"at": "start"|"end"|N, "insert": "text", "delete": n, "pauseMs": ms}
// Each step deletes `delete` code points at `at` and inserts `insert` there
// ("end" with a delete removes the last `delete` code points, like a
// backspace), then waits pauseMs while messages keep being handled.
// "drop": true in a step cuts the websocket right after its edit is sent
// (no close handshake, as a network failure would), and the script goes on
// typing while the client reconnects (hello with sections).
// "afterHello": true makes a step, if the link is down, wait for the next
// hello and be typed right after it is sent (before its welcome arrives).
//
// After the script it waits until the section is idle (nothing in flight,
// text == base) and a line "done" has been read on stdin (or stdin ended),
// then for ~300 ms of quiet while idle, and prints one JSON line
//   {"text": ..., "version": m, "errors": [...], "stats": {...}}
// on stdout. Diagnostics go to stderr. Exit status: 0, or 1 after a
// protocol violation by the server (a delta that does not apply, a
// malformed message, …) or a close the client cannot recover from,
// 2 on bad arguments or a failed connection, 3 on the overall timeout.
// PROTOCOL_NODE_TRACE=1 in the environment logs every frame to stderr.

import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { SyncClient, cpLength, sleep } from './client.mjs';

function parseArgs(argv) {
  const out = { timeout: '120000', quiet: '300' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const k = a.slice(2);
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    out[k] = argv[++i];
  }
  for (const k of ['url', 'token', 'brief', 'section', 'client']) {
    if (!out[k]) throw new Error(`--${k} is required`);
  }
  return out;
}

const log = (s) => process.stderr.write(`[node ${new Date().toISOString().slice(11, 23)}] ${s}\n`);

let args;
let script;
try {
  args = parseArgs(process.argv.slice(2));
  const raw = args.script === undefined ? '[]' : args.script.startsWith('@') ? readFileSync(args.script.slice(1), 'utf8') : args.script;
  script = JSON.parse(raw);
  if (!Array.isArray(script)) throw new Error('--script must be a JSON list');
} catch (e) {
  log(`usage: ${e.message}`);
  process.exit(2);
}

const key = args.section;
const errors = [];
let failed = false; // protocol violation or unrecoverable close
let finishing = false;
let lastActivity = Date.now();

const trace = Boolean(process.env.PROTOCOL_NODE_TRACE);
const client = new SyncClient({ url: args.url, token: args.token, brief: args.brief, client: args.client, log, trace });
client.on('activity', () => (lastActivity = Date.now()));
client.on('violation', (e) => {
  failed = true;
  errors.push(`violation: ${e.message}`);
});
client.on('servererror', (m) => errors.push(`error ${m.code}: ${m.message}${m.section ? ` (section ${m.section}, n ${m.n})` : ''}`));
client.on('resync', (k, m) => {
  log(`resync ${k}: n=${m.n} version=${m.version} reason=${m.reason} keep=${m.keep}`);
  errors.push(`resync ${k} n=${m.n} version=${m.version}: ${m.reason}`);
});
client.on('conflicts', (k, list) => errors.push(`conflicts ${k}: ${JSON.stringify(list)}`));
let expectDrop = false;
client.on('close', (code, reason) => {
  if (finishing) return;
  if (expectDrop) {
    expectDrop = false;
    log(`closed as asked: ${code} ${reason}`);
    return;
  }
  log(`closed: ${code} ${reason}`);
  errors.push(`close ${code} ${reason}`);
  if ([1000, 4000, 4001, 4003, 4004].includes(code)) failed = true;
});

let doneRead = false;
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'done') doneRead = true;
});
rl.on('close', () => {
  if (!doneRead) log('stdin ended: taking it as "done"');
  doneRead = true;
});

function finish(status) {
  finishing = true;
  log(`stats: ${JSON.stringify(client.stats)} pongs=${client.pongs}`);
  const s = client.sections.get(key);
  const stats = { ...client.stats, pongs: client.pongs };
  process.stdout.write(JSON.stringify({ text: s ? s.text : null, version: s ? s.m : null, errors, stats }) + '\n');
  client.close();
  rl.close();
  process.stdin.destroy();
  // Let stdout drain, then leave even if a socket lingers.
  setTimeout(() => process.exit(status), 50).unref();
  process.exitCode = status;
}

const overall = setTimeout(() => {
  errors.push(`timeout after ${args.timeout} ms (idle=${client.idle(key)}, done=${doneRead})`);
  log(errors[errors.length - 1]);
  finish(3);
}, Number(args.timeout));
overall.unref();

async function until(cond, pollMs = 10) {
  while (!cond()) {
    if (failed) return;
    await sleep(pollMs);
  }
}

async function main() {
  try {
    await client.connect();
  } catch (e) {
    log(`connect: ${e.message}`);
    errors.push(`connect: ${e.message}`);
    finish(2);
    return;
  }
  if (!client.sections.has(key)) {
    errors.push(`no section ${key} in the welcome (have ${client.order.join(', ')})`);
    finish(2);
    return;
  }
  log(`welcome: you=${JSON.stringify(client.you)} client=${client.clientId} ${key}@${client.version(key)}`);
  client.on('welcome', () => log(`welcome again: ${key}@${client.version(key)} acked=${client.sections.get(key)?.acked}`));
  client.presence(key, { anchor: 0, head: 0 });
  client.ping();

  for (const [i, step] of script.entries()) {
    if (failed) break;
    if (step.afterHello && !client.ready) {
      // Type this step right after the next hello is sent, before its
      // welcome can arrive (the welcome must carry it onto its text).
      await new Promise((resolve) => client.once('hello', resolve));
      log(`step ${i}: typing between hello and welcome`);
    }
    // Keystrokes go on while the link is down: they go out with the next hello.
    const text = client.text(key);
    const len = cpLength(text);
    const del = Math.max(0, Number(step.delete || 0));
    let at = step.at ?? 'end';
    if (at === 'start') at = 0;
    else if (at === 'end') at = Math.max(0, len - del);
    else if (typeof at !== 'number') {
      errors.push(`step ${i}: bad "at" ${JSON.stringify(step.at)}`);
      failed = true;
      break;
    }
    client.edit(key, at, del, step.insert || '');
    if (step.drop) {
      // Cut the link in the same tick, with that edit in flight (as a
      // network failure would: no close handshake), and go on typing: the
      // client reconnects with hello sections.
      const s = client.sections.get(key);
      log(`step ${i}: dropping the link (in flight: ${s.inFlight}, acked ${s.acked})`);
      expectDrop = true;
      client.ws.terminate();
    }
    if (step.pauseMs) await sleep(step.pauseMs);
    else await sleep(0);
  }

  const quietMs = Number(args.quiet);
  for (;;) {
    await until(() => (client.idle(key) && doneRead) || failed);
    if (failed) break;
    // ~300 ms of quiet while idle.
    await sleep(Math.max(0, quietMs - (Date.now() - lastActivity)));
    if (client.idle(key) && Date.now() - lastActivity >= quietMs) break;
    await sleep(10);
  }
  if (!failed && client.pongs === 0) errors.push('no pong received for the ping sent after welcome');
  finish(failed ? 1 : 0);
}

main().catch((e) => {
  log(`crash: ${e.stack || e}`);
  errors.push(`crash: ${e.message}`);
  finish(1);
});
