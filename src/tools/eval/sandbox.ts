/**
 * Runs one Python program under evaluation in a bubblewrap sandbox.
 *
 * What the program gets: its own user, pid, network, ipc, uts and cgroup namespaces (`--unshare-all
 * --unshare-user`, and no further user namespaces inside: `--disable-userns`); uid/gid 65534 — and when the CLI runs as root, bwrap itself is started as host
 * uid 65534 (bwrap's user namespace would otherwise map the sandbox user to host root, which can
 * read root's 0600 files in the bound folders); a root filesystem that is a read-only tmpfs holding
 * only read-only binds of /usr (with the /bin, /lib, /lib64 symlinks), a fresh /proc for its pid
 * namespace, a minimal read-only /dev (null, zero, full, random, urandom, tty, pts; /dev/shm is an
 * empty read-only folder), a private 16 MiB tmpfs at /tmp and at /work (its working folder), the
 * program itself as the read-only file /work/program.py copied in by bwrap from stdin, no /etc,
 * /run, /var, /home, /root, no host sockets (the network namespace has only its own loopback);
 * limits on address space, processes, CPU time and file size (`prlimit` in front of python3); an
 * empty environment apart from PATH and HOME; `--new-session` (no terminal injection) and
 * `--die-with-parent`. Nothing is created on the host, so nothing has to be deleted there.
 *
 * At the timeout the bwrap process is killed; `--die-with-parent` then kills the namespace's init,
 * and the kernel kills every process left in the pid namespace (daemons, `setsid` grandchildren).
 * When the program exits by itself, the namespace's init exits with it and the same happens.
 * stderr is read only until the process has exited (plus a short grace) and only its last 16 KiB
 * are kept, so a grandchild holding stderr open cannot make the caller wait.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { TokenwiseError } from '../../core/base/errors';

/** Where the tools the sandbox needs are expected (the sandbox binds only /usr). */
const PYTHON = '/usr/bin/python3';
const PRLIMIT = '/usr/bin/prlimit';
const BWRAP_CANDIDATES = ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'];
/** The unprivileged uid/gid the program runs as (nobody/nogroup). */
export const SANDBOX_UID = 65534;
const TMPFS_BYTES = 16 * 1024 * 1024;
const STDERR_TAIL_BYTES = 16 * 1024;
/** After the sandbox has exited, how long to wait for the rest of stderr before closing it. */
const STDERR_GRACE_MS = 200;
const NAMESPACES = ['net', 'pid', 'ipc', 'uts', 'user', 'cgroup'] as const;

export interface SandboxLimits {
  addressSpaceBytes: number;
  processes: number;
  cpuSeconds: number;
  fileSizeBytes: number;
}

/** Address space 1 GiB, 64 processes (threads count), CPU time = the time limit (≥ 1 s), files ≤ 16 MiB. */
export function sandboxLimits(timeoutMs: number): SandboxLimits {
  return { addressSpaceBytes: 1024 ** 3, processes: 64, cpuSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)), fileSizeBytes: 16 * 1024 ** 2 };
}

export type SandboxStatus =
  | { ok: true; bwrap: string; version: string; namespaces: string[]; hostUid: number }
  | { ok: false; missing: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findBwrap(): string | undefined {
  const fromPath = (process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/')).map((d) => `${d}/bwrap`);
  return [...BWRAP_CANDIDATES, ...fromPath].find(executable);
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** The argument vector for bwrap: everything after it is the command run inside. */
export function bwrapArgs(limits: SandboxLimits): string[] {
  return [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--uid', String(SANDBOX_UID),
    '--gid', String(SANDBOX_UID),
    '--hostname', 'sandbox',
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/bin', '/bin',
    '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64',
    '--proc', '/proc',
    '--dev', '/dev',
    '--remount-ro', '/dev',
    '--size', String(TMPFS_BYTES), '--tmpfs', '/tmp',
    '--size', String(TMPFS_BYTES), '--tmpfs', '/work',
    '--ro-bind-data', '0', '/work/program.py',
    '--remount-ro', '/',
    '--chdir', '/work',
    '--clearenv',
    '--setenv', 'PATH', '/usr/bin:/bin',
    '--setenv', 'HOME', '/tmp',
    '--setenv', 'LANG', 'C.UTF-8',
    '--',
    PRLIMIT,
    `--as=${limits.addressSpaceBytes}`,
    `--nproc=${limits.processes}`,
    `--cpu=${limits.cpuSeconds}`,
    `--fsize=${limits.fileSizeBytes}`,
    '--core=0',
    '--',
    PYTHON, '-I', '-B', '/work/program.py',
  ];
}

/** spawn options that start bwrap as host uid 65534 when we are root (see the module comment). */
function dropPrivileges(): { uid?: number; gid?: number } {
  return isRoot() ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : {};
}

const PROBE = `import os
print(os.getuid(), os.getgid())
for ns in ${JSON.stringify(NAMESPACES)}:
    print(ns, os.readlink('/proc/self/ns/' + ns))
`;

let cachedStatus: SandboxStatus | undefined;

/** Probes once whether bubblewrap works here: binary, python3 and prlimit in /usr, user namespaces. */
export function sandboxStatus(): SandboxStatus {
  if (cachedStatus) return cachedStatus;
  cachedStatus = probeSandbox();
  return cachedStatus;
}

/** The probe behind sandboxStatus(), uncached; `bwrap` replaces the search for the binary (tests). */
export function probeSandbox(options: { bwrap?: string } = {}): SandboxStatus {
  if (process.platform !== 'linux') return { ok: false, missing: `bubblewrap needs Linux (this is ${process.platform})` };
  const bwrap = options.bwrap !== undefined ? (executable(options.bwrap) ? options.bwrap : undefined) : findBwrap();
  if (!bwrap) return { ok: false, missing: 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap' };
  if (!executable(PYTHON)) return { ok: false, missing: `${PYTHON} is missing (the sandbox binds only /usr): apt-get install python3` };
  if (!executable(PRLIMIT)) return { ok: false, missing: `${PRLIMIT} is missing (it sets the sandbox's resource limits): apt-get install util-linux` };
  const versionRun = spawnSync(bwrap, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = (versionRun.stdout ?? '').trim() || 'bubblewrap (unknown version)';
  const run = spawnSync(bwrap, bwrapArgs(sandboxLimits(10_000)), { input: PROBE, encoding: 'utf8', timeout: 20_000, cwd: '/', env: { PATH: '/usr/bin:/bin' }, ...dropPrivileges() });
  if (run.error || run.status !== 0) {
    const why = (run.stderr ?? '').trim().split('\n').pop() || run.error?.message || `exit ${run.status}`;
    if (/namespace|Operation not permitted|Permission denied/i.test(why))
      return {
        ok: false,
        missing: `bubblewrap cannot create user namespaces here${isRoot() ? ` as uid ${SANDBOX_UID}` : ''}: enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0)`,
      };
    return { ok: false, missing: `bubblewrap does not work here: ${why.slice(0, 160)}` };
  }
  const lines = run.stdout.trim().split('\n');
  if (lines[0] !== `${SANDBOX_UID} ${SANDBOX_UID}`) return { ok: false, missing: `bubblewrap ran the program as uid/gid ${lines[0]}, not ${SANDBOX_UID}` };
  const unshared: string[] = [];
  for (const line of lines.slice(1)) {
    const [ns, inside] = line.split(' ');
    let outside = '';
    try {
      outside = readlinkSync(`/proc/self/ns/${ns}`);
    } catch {
      /* a namespace type the kernel lacks: not counted */
    }
    if (ns && inside && outside && inside !== outside) unshared.push(ns);
  }
  for (const required of ['net', 'pid', 'user'])
    if (!unshared.includes(required)) return { ok: false, missing: `bubblewrap did not give the program its own ${required} namespace` };
  return { ok: true, bwrap, version, namespaces: unshared, hostUid: isRoot() ? SANDBOX_UID : (process.getuid?.() ?? -1) };
}

function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (n % size === 0) return `${n / size}${unit}`;
  return `${n}B`;
}

/** One line naming the sandbox in use, e.g. for the CLI's text and JSON output. */
export function describeSandbox(timeoutMs: number, unsafeNoSandbox = false, status = sandboxStatus()): string {
  if (!status.ok) return unsafeNoSandbox ? `none (--unsafe-no-sandbox; ${status.missing})` : `none (${status.missing})`;
  if (unsafeNoSandbox) return 'none (--unsafe-no-sandbox)';
  const l = sandboxLimits(timeoutMs);
  const uid = status.hostUid === SANDBOX_UID ? `uid ${SANDBOX_UID}` : `uid ${SANDBOX_UID} = host uid ${status.hostUid}`;
  return `${status.version} (${status.namespaces.join(', ')}; ${uid}; limits as=${formatBytes(l.addressSpaceBytes)} nproc=${l.processes} cpu=${l.cpuSeconds}s fsize=${formatBytes(l.fileSizeBytes)})`;
}

/**
 * The sandbox description when programs may run; otherwise a one-line error naming what is
 * missing (unless `unsafeNoSandbox`, which runs them with no isolation at all).
 */
export function requireSandbox(timeoutMs: number, unsafeNoSandbox = false, status = sandboxStatus()): string {
  if (!status.ok && !unsafeNoSandbox)
    throw new TokenwiseError('usage', `Refusing to run the programs under evaluation without a sandbox: ${status.missing} (or pass --unsafe-no-sandbox to run them unsandboxed).`);
  return describeSandbox(timeoutMs, unsafeNoSandbox, status);
}

export interface RunOptions {
  timeoutMs: number;
  /** Run python3 directly, without any isolation (only when asked for explicitly). */
  unsafeNoSandbox?: boolean;
}

export interface RunResult {
  /** The program's exit status (128 + n when a signal n ended it inside the sandbox); null if killed here. */
  exitCode: number | null;
  timedOut: boolean;
  /** The last 16 KiB of stderr. */
  stderr: string;
  /** Set when the sandbox could not be started at all. */
  error?: string;
  durationMs: number;
}

/** Runs `source` as a Python program, in the sandbox unless `unsafeNoSandbox`; never rejects except for a missing sandbox. */
export function runPython(source: string, options: RunOptions): Promise<RunResult> {
  const timeoutMs = Math.max(1, Math.floor(options.timeoutMs));
  let child: ChildProcess;
  let killTree: () => void;
  try {
    [child, killTree] = start(options.unsafeNoSandbox === true, timeoutMs);
  } catch (e) {
    if (e instanceof TokenwiseError) return Promise.reject(e);
    return Promise.resolve({ exitCode: null, timedOut: false, stderr: '', error: e instanceof Error ? e.message : String(e), durationMs: 0 });
  }
  return collect(child, killTree, source, timeoutMs, options.unsafeNoSandbox === true);
}

function start(unsafeNoSandbox: boolean, timeoutMs: number): [ChildProcess, () => void] {
  let child: ChildProcess;
  let killTree: () => void;
  if (unsafeNoSandbox) {
    const python = executable(PYTHON) ? PYTHON : 'python3';
    // Its own process group so that the timeout can at least kill the group (not setsid daemons).
    child = spawn(python, ['-I', '-B', '-'], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() }, stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    killTree = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
  } else {
    const status = sandboxStatus();
    if (!status.ok) throw new TokenwiseError('usage', `Refusing to run a program without a sandbox: ${status.missing}.`);
    child = spawn(status.bwrap, bwrapArgs(sandboxLimits(timeoutMs)), { cwd: '/', env: { PATH: '/usr/bin:/bin' }, stdio: ['pipe', 'ignore', 'pipe'], ...dropPrivileges() });
    // bwrap's own death takes the namespace's init (--die-with-parent) and with it every process inside.
    killTree = () => child.kill('SIGKILL');
  }
  return [child, killTree];
}

function collect(child: ChildProcess, killTree: () => void, source: string, timeoutMs: number, unsafeNoSandbox: boolean): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise<RunResult>((resolve) => {
    let stderr = Buffer.alloc(0);
    let timedOut = false;
    let exitCode: number | null = null;
    let error: string | undefined;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      try {
        child.stderr?.destroy();
        child.stdin?.destroy();
      } catch {
        /* already closed */
      }
      resolve({ exitCode, timedOut, stderr: stderr.toString('utf8'), error, durationMs: performance.now() - t0 });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        killTree();
      } catch {
        /* already gone */
      }
      // Do not wait for stderr to close: something may still hold it.
      grace = setTimeout(finish, STDERR_GRACE_MS);
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      stderr = Buffer.concat([stderr, d]);
      if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
    });
    child.stderr?.on('error', () => {});
    child.stdin?.on('error', () => {});
    child.on('error', (e) => {
      error = e.message;
      finish();
    });
    child.on('exit', (code) => {
      exitCode = code;
      if (unsafeNoSandbox) {
        try {
          killTree();
        } catch {
          /* already gone */
        }
      }
      grace ??= setTimeout(finish, STDERR_GRACE_MS);
    });
    child.on('close', finish);
    child.stdin?.end(source);
  });
}
