/**
 * Every escape from issue 18 item 2, tried by a program under evaluation, must fail; and the
 * sandbox must still run ordinary programs. Real bubblewrap and /usr/bin/python3, no mocks: if
 * bwrap is missing or does not work here, these tests fail (.ci/run installs bubblewrap).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { executeInfilling, type InfillingTask } from '../../../../src/tools/eval/humanEvalInfilling';
import { describeSandbox, probeSandbox, requireSandbox, runPython, sandboxLimits, sandboxStatus } from '../../../../src/tools/eval/sandbox';

/** A task whose program is `body` (module level) followed by a check that always passes. */
function taskOf(body: string): InfillingTask {
  return { task_id: 'Escape/0', prompt: body, suffix: '\n', canonical_solution: '', test: 'def check(f):\n    pass\n', entry_point: 'print' };
}

const run = (body: string, timeoutMs = 3000) => executeInfilling(taskOf(body), '', timeoutMs);
const marker = () => `TWMARK${randomBytes(6).toString('hex')}`;

/** Host pids whose command line contains `mark`. */
function processesWith(mark: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(mark)) found.push(Number(pid));
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

function listen(server: Server, where: string | { port: number; host: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'string') server.listen(where, () => resolve());
    else server.listen(where.port, where.host, () => resolve());
  });
}

const hostTmp = mkdtempSync(join(tmpdir(), 'tw-sandbox-test-'));
chmodSync(hostTmp, 0o755);

test('bubblewrap works here, and the sandbox is described in one line', () => {
  const status = sandboxStatus();
  assert.ok(status.ok, `no sandbox: ${status.ok ? '' : status.missing}`);
  for (const ns of ['net', 'pid', 'ipc', 'uts', 'user']) assert.ok(status.namespaces.includes(ns), `namespace ${ns} not unshared`);
  assert.notEqual(status.hostUid, 0);
  assert.match(describeSandbox(10_000), /^bubblewrap \d+\.\d+\.\d+ \(net, pid, ipc, uts, user(, cgroup)?; uid 65534.*; limits as=1GiB nproc=64 cpu=10s fsize=16MiB\)$/);
  assert.equal(requireSandbox(10_000), describeSandbox(10_000));
  assert.equal(describeSandbox(10_000, true), 'none (--unsafe-no-sandbox)');
});

test('without bwrap, eval refuses with a one-line message naming what is missing, unless --unsafe-no-sandbox', () => {
  const missing = probeSandbox({ bwrap: join(hostTmp, 'no-such-bwrap') });
  assert.deepEqual(missing, { ok: false, missing: 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap' });
  assert.throws(() => requireSandbox(10_000, false, missing), (e: Error) => {
    assert.match(e.message, /^Refusing to run the programs under evaluation without a sandbox: bubblewrap \(bwrap\) is not installed: apt-get install bubblewrap \(or pass --unsafe-no-sandbox/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  assert.match(requireSandbox(10_000, true, missing), /^none \(--unsafe-no-sandbox; bubblewrap \(bwrap\) is not installed/);
});

test('--unsafe-no-sandbox runs python3 directly: results are right and a grandchild holding stderr does not make it wait', async () => {
  const unsafe = { unsafeNoSandbox: true };
  assert.deepEqual(await executeInfilling(taskOf('x = 1'), '', 3000, unsafe), { passed: true, reason: '' });
  assert.match((await executeInfilling(taskOf('assert 1 == 2'), '', 3000, unsafe)).reason, /AssertionError/);
  const t0 = performance.now();
  const r = await executeInfilling(taskOf(`import subprocess, time\nsubprocess.Popen(['/usr/bin/sleep', '3'], start_new_session=True)\nwhile True: time.sleep(1)`), '', 800, unsafe);
  assert.deepEqual(r, { passed: false, reason: 'timeout after 800 ms' });
  assert.ok(performance.now() - t0 < 1600);
});

test('a correct program passes, a failing one fails, an endless one times out', async () => {
  const add: InfillingTask = { task_id: 'Toy/0', prompt: 'import hashlib, math, re, collections\ndef add(a, b):\n    return ', suffix: '\n', canonical_solution: 'a + b', test: 'def check(f):\n    assert f(2, 3) == 5\n    assert hashlib.md5(b"x").hexdigest()[:4] == "9dd4"\n', entry_point: 'add' };
  assert.deepEqual(await executeInfilling(add, 'a + b', 3000), { passed: true, reason: '' });
  const wrong = await executeInfilling(add, 'a - b', 3000);
  assert.equal(wrong.passed, false);
  assert.match(wrong.reason, /AssertionError/);
  assert.deepEqual(await run('while True: pass', 800), { passed: false, reason: 'timeout after 800 ms' });
});

test('the program sees only /usr, a fresh /proc, a read-only /dev, private /tmp and /work, an empty environment, uid 65534', async () => {
  const mark = marker();
  const probe = `import os, json, sys, ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
out = {'uid': os.getuid(), 'gid': os.getgid(), 'groups': os.getgroups(), 'root': sorted(os.listdir('/')), 'env': sorted(os.environ),
       'pids': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()), 'cwd': os.getcwd(), 'work': os.listdir('/work'),
       'userns': libc.unshare(0x10000000)}
print(json.dumps(out), file=sys.stderr, flush=True)
os.execv('/usr/bin/sleep', ['${mark}', '0.6'])
`;
  const pending = runPython(probe, { timeoutMs: 3000 });
  await new Promise((r) => setTimeout(r, 400));
  // On the host, the program runs as uid 65534 (not root, not the invoking user when root).
  const pids = processesWith(mark);
  assert.ok(pids.length >= 1);
  for (const pid of pids) {
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (process.getuid?.() === 0) assert.equal(uid, '65534');
    else assert.equal(uid, String(process.getuid?.()));
  }
  const r = await pending;
  assert.equal(r.exitCode, 0, r.stderr);
  const seen = JSON.parse(r.stderr.trim().split('\n').pop()!) as Record<string, unknown>;
  assert.equal(seen.uid, 65534);
  assert.equal(seen.gid, 65534);
  assert.deepEqual(seen.groups, []);
  assert.deepEqual(seen.root, ['bin', 'dev', 'lib', 'lib64', 'proc', 'tmp', 'usr', 'work']);
  assert.deepEqual(seen.env, ['HOME', 'LANG', 'PATH', 'PWD']);
  assert.ok((seen.pids as number[]).length <= 3, `sees host processes: ${String(seen.pids)}`);
  assert.equal(seen.cwd, '/work');
  assert.deepEqual(seen.work, ['program.py']);
  assert.equal(seen.userns, -1, 'could create a further user namespace');
});

test('network: a server on the host (loopback, other interfaces, abstract and filesystem Unix sockets) is unreachable', async () => {
  let connections = 0;
  const onConnection = () => connections++;
  const tcp = createServer(onConnection);
  await listen(tcp, { port: 0, host: '0.0.0.0' });
  const port = (tcp.address() as { port: number }).port;
  const abstractName = `tw-sandbox-${randomBytes(6).toString('hex')}`;
  const abstract = createServer(onConnection);
  await listen(abstract, `\0${abstractName}`);
  const sockDir = mkdtempSync(join(hostTmp, 'sock-'));
  chmodSync(sockDir, 0o777);
  const sockPath = join(sockDir, 's.sock');
  const unix = createServer(onConnection);
  await listen(unix, sockPath);
  chmodSync(sockPath, 0o777);
  try {
    const addresses = ['127.0.0.1', ...Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address)];
    for (const host of addresses) {
      const r = await run(`import socket\nsocket.create_connection((${JSON.stringify(host)}, ${port}), timeout=2).sendall(b'escaped')`);
      assert.equal(r.passed, false, `reached ${host}:${port}`);
      assert.match(r.reason, /ConnectionRefusedError|Network is unreachable|OSError/);
    }
    const ab = await run(`import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect(${JSON.stringify(`\0${abstractName}`)})`);
    assert.equal(ab.passed, false);
    assert.match(ab.reason, /ConnectionRefusedError/);
    const fsock = await run(`import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect(${JSON.stringify(sockPath)})`);
    assert.equal(fsock.passed, false);
    assert.match(fsock.reason, /FileNotFoundError/);
    // The host's own service sockets are not there either.
    const run_ = await run(`import os\nprint(os.listdir('/run'))`);
    assert.equal(run_.passed, false);
    assert.match(run_.reason, /FileNotFoundError/);
    assert.equal(connections, 0);
  } finally {
    tcp.close();
    abstract.close();
    unix.close();
  }
});

test('writes to /root, /etc, /tmp, /dev/shm, /var/tmp never reach the host', async () => {
  const name = `tw-escape-${randomBytes(6).toString('hex')}`;
  for (const dir of ['/root', '/etc', '/tmp', '/dev/shm', '/var/tmp', hostTmp]) {
    const path = join(dir, name);
    const r = await run(`import os\nos.makedirs(${JSON.stringify(dir)}, exist_ok=True)\nopen(${JSON.stringify(path)}, 'w').write('escaped')`);
    assert.equal(existsSync(path), false, `${path} appeared on the host`);
    // /tmp is the program's own tmpfs (writable, gone afterwards); everything else is read-only or absent.
    if (dir === '/tmp' || dir.startsWith('/tmp/')) assert.equal(r.passed, true, r.reason);
    else {
      assert.equal(r.passed, false, `${dir} was writable inside`);
      assert.match(r.reason, /Read-only file system|PermissionError|FileNotFoundError/);
    }
  }
  // Nor the read-only /usr, or /dev itself.
  for (const path of ['/usr/tw-escape', '/dev/tw-escape', '/tw-escape']) {
    const r = await run(`open(${JSON.stringify(path)}, 'w').write('x')`);
    assert.equal(r.passed, false);
    assert.match(r.reason, /Read-only file system/);
  }
  // The private tmpfs and files are size-limited.
  const big = await run(`open('/tmp/big', 'wb').write(b'x' * (20 * 1024 * 1024))`);
  assert.equal(big.passed, false);
  assert.match(big.reason, /No space left on device|File too large|OSError/);
});

test("a root-only 0600 file is unreadable (outside the sandbox's view, and under /usr by uid)", async () => {
  const secretDir = mkdtempSync(join(hostTmp, 'secret-'));
  chmodSync(secretDir, 0o755);
  const secrets = [join(secretDir, 'secret.txt')];
  let usrDir: string | undefined;
  if (process.getuid?.() === 0) {
    // As root the test also places one inside the bound /usr: only the uid drop protects it.
    try {
      mkdirSync('/usr/local/share', { recursive: true });
      usrDir = mkdtempSync('/usr/local/share/tw-sandbox-test-');
      chmodSync(usrDir, 0o755);
      secrets.push(join(usrDir, 'secret.txt'));
    } catch {
      usrDir = undefined;
    }
  }
  try {
    for (const path of secrets) {
      writeFileSync(path, 'TOPSECRET', { mode: 0o600 });
      chmodSync(path, 0o600);
      const r = await run(`data = open(${JSON.stringify(path)}).read()\nassert 'TOPSECRET' not in data`);
      assert.equal(r.passed, false, `${path} was readable`);
      assert.match(r.reason, path.startsWith('/usr/') ? /PermissionError/ : /FileNotFoundError/);
    }
  } finally {
    if (usrDir) rmSync(usrDir, { recursive: true, force: true });
  }
});

test('setsid daemons and forked children do not outlive the timeout or the program', async () => {
  const mark = marker();
  const daemons = `import os, time
for i in range(20):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv('/usr/bin/sleep', ['${mark}', '300'])
        os._exit(0)
while True:
    time.sleep(1)
`;
  const pending = run(daemons, 1200);
  await new Promise((r) => setTimeout(r, 800));
  assert.ok(processesWith(mark).length >= 20, 'the daemons did not start');
  assert.deepEqual(await pending, { passed: false, reason: 'timeout after 1200 ms' });
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(processesWith(mark), []);
  // A passing program that leaves a child behind: the child dies with it.
  const mark2 = marker();
  const t0 = performance.now();
  const r = await run(`import os\nif os.fork() == 0:\n    os.setsid()\n    os.execv('/usr/bin/sleep', ['${mark2}', '300'])\nimport time\ntime.sleep(0.2)`, 5000);
  assert.equal(r.passed, true, r.reason);
  assert.ok(performance.now() - t0 < 2000);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(processesWith(mark2), []);
});

test('a grandchild holding stderr open (sleep infinity) does not make the call wait', async () => {
  const mark = marker();
  const hold = `import subprocess\nsubprocess.Popen(['${mark}', 'infinity'], executable='/usr/bin/sleep', start_new_session=True)\n`;
  // The program exits at once and fails: the result comes right away.
  let t0 = performance.now();
  const quick = await run(`${hold}raise SystemExit('done')`, 5000);
  assert.equal(quick.passed, false);
  assert.equal(quick.reason, 'done');
  assert.ok(performance.now() - t0 < 1500, `waited ${performance.now() - t0} ms`);
  // The program hangs: the result comes at the timeout plus a small margin.
  t0 = performance.now();
  const slow = await run(`${hold}import time\nwhile True: time.sleep(1)`, 1000);
  const waited = performance.now() - t0;
  assert.deepEqual(slow, { passed: false, reason: 'timeout after 1000 ms' });
  assert.ok(waited < 1800, `waited ${waited} ms`);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(processesWith(mark), []);
});

test('resources: 3 GiB cannot be allocated, a fork bomb is bounded, CPU time and file size are limited', async () => {
  const mem = await run(`a = bytearray(200 * 1024 * 1024)\nb = bytearray(3 * 1024 ** 3)`);
  assert.equal(mem.passed, false);
  assert.equal(mem.reason, 'MemoryError');
  const mark = marker();
  const bomb = await run(
    `import os\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            os.execv('/usr/bin/sleep', ['${mark}', '30'])\n        n += 1\nexcept OSError as e:\n    raise SystemExit(f'forked {n} then {type(e).__name__}')`,
    5000,
  );
  assert.equal(bomb.passed, false);
  const forked = Number(/^forked (\d+) then BlockingIOError$/.exec(bomb.reason)?.[1]);
  assert.ok(forked > 0 && forked < 64, bomb.reason);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(processesWith(mark), []);
  const limits = await runPython(`import resource, sys\nprint(*(resource.getrlimit(getattr(resource, 'RLIMIT_' + r)) for r in ['AS', 'NPROC', 'CPU', 'FSIZE']), file=sys.stderr)`, { timeoutMs: 4000 });
  const l = sandboxLimits(4000);
  assert.equal(limits.stderr.trim(), [l.addressSpaceBytes, l.processes, l.cpuSeconds, l.fileSizeBytes].map((n) => `(${n}, ${n})`).join(' '));
  const fsize = await run(`import signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\nopen('/work/f', 'wb').write(b'x' * (17 * 1024 * 1024))`);
  assert.equal(fsize.passed, false);
  assert.match(fsize.reason, /File too large|No space left/);
});

test('a leftover daemon cannot rewrite another run\'s program (each run is isolated)', async () => {
  const failing: InfillingTask = { task_id: 'Toy/1', prompt: 'def f():\n    return ', suffix: '\n', canonical_solution: '1', test: 'def check(g):\n    assert g() == 1\n', entry_point: 'f' };
  const rewriter = `import os, glob, time
if os.fork() == 0:
    os.setsid()
    end = time.time() + 2.5
    while time.time() < end:
        for p in ['/work/program.py', '/tmp/program.py'] + glob.glob('/proc/*/root/work/program.py') + glob.glob('/proc/*/cwd/program.py'):
            try:
                open(p, 'w').write('import sys\\nsys.exit(0)\\n')
            except OSError:
                pass
        time.sleep(0.005)
    os._exit(0)
time.sleep(2.6)
`;
  const a = run(rewriter, 3000);
  await new Promise((r) => setTimeout(r, 300));
  const during = await executeInfilling(failing, '2', 3000);
  assert.equal(during.passed, false);
  assert.match(during.reason, /AssertionError/);
  await a;
  const after = await executeInfilling(failing, '2', 3000);
  assert.equal(after.passed, false);
  assert.match(after.reason, /AssertionError/);
});

test('TOCTOU: swapping a subfolder for a symlink to a host folder never touches that folder (60 tries)', async () => {
  const victim = mkdtempSync(join(hostTmp, 'victim-'));
  chmodSync(victim, 0o700);
  const canary = join(victim, 'canary.txt');
  writeFileSync(canary, 'alive');
  // Relative paths: the same program attacks a harness that runs it in a host folder and deletes
  // that folder afterwards (the old one: root's recursive rmSync followed the swapped-in symlink).
  const swap = `import os, ctypes, time, platform
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
RENAMEAT2 = {'x86_64': 316, 'aarch64': 276}[platform.machine()]
for i in range(8):
    os.makedirs(f'sub{i}/a/b', exist_ok=True)
    open(f'sub{i}/a/b/f', 'w').write('x')
    os.symlink(${JSON.stringify(victim)}, f'link{i}')
if os.fork() == 0:
    os.setsid()
    devnull = os.open('/dev/null', os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)  # so that the harness does not wait for this process
    end = time.time() + 0.4
    while time.time() < end:
        for i in range(8):
            libc.syscall(RENAMEAT2, AT_FDCWD, f'sub{i}/a'.encode(), AT_FDCWD, f'link{i}'.encode(), RENAME_EXCHANGE)
    os._exit(0)
time.sleep(0.02)
`;
  for (let i = 0; i < 60; i++) {
    const r = await run(swap, i % 2 === 0 ? 200 : 2000);
    assert.ok(r.passed || r.reason.startsWith('timeout'), r.reason);
    assert.equal(existsSync(canary), true, `try ${i}: the canary is gone`);
    assert.equal(readFileSync(canary, 'utf8'), 'alive');
  }
  assert.deepEqual(readdirSync(victim), ['canary.txt']);
});

test.after(() => rmSync(hostTmp, { recursive: true, force: true }));
