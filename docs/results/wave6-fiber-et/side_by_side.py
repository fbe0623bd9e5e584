#!/usr/bin/env python3
# ab.py N SECONDS REPEATS: the sink servers side by side, at the same time: fiber-before,
# fiber-after (this branch), go, go-raw, each pinned to core 0 with its own `papaya load`
# (N x 1 Mbit/s, core 1); server CPU from /proc/<pid>/task/*/schedstat (whole tree) over the
# same window. Prints CPU % per server and the ratios.
import os, subprocess, sys, time, glob, random
N = int(sys.argv[1]); SECS = float(sys.argv[2]); REP = int(sys.argv[3])
root = 'build/release'
d = '/tmp/papaya-ab'; os.makedirs(d, exist_ok=True)
key = d + '/key'
if not os.path.exists(key):
    open(key, 'w').write(os.urandom(64).hex() + '\n'); os.chmod(key, 0o600)
def fiber(exe):
    return lambda port: [exe, 'serve', '--design', 'fiber', '--workload', 'sink', '--foreground',
                         '--host', '127.0.0.1', '--port', str(port), '--log', f'{d}/{port}.log',
                         '--key-file', key, '--max-clients', '600']
servers = {'before': fiber(root + '/papaya-before'), 'after': fiber(root + '/papaya'),
           'go': lambda p: [root + '/peers/go_sink', str(p)],
           'go-raw': lambda p: [root + '/peers/go_raw_sink', str(p)]}
def tree(pid):
    out = [pid]
    for c in subprocess.run(['pgrep', '-P', str(pid)], capture_output=True, text=True).stdout.split():
        out += tree(int(c))
    return out
def cpu_ns(pid):
    t = 0
    for p in tree(pid):
        for f in glob.glob(f'/proc/{p}/task/*/schedstat'):
            try: t += int(open(f).read().split()[0])
            except Exception: pass
    return t
for rep in range(REP):
    names = list(servers); random.shuffle(names)
    procs, loads, port0 = {}, [], random.randint(20000, 50000)
    for i, name in enumerate(names):
        port = port0 + i
        procs[name] = (subprocess.Popen(['taskset', '-c', '0'] + servers[name](port),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), port)
    time.sleep(0.7)
    for name in names:
        loads.append(subprocess.Popen(['taskset', '-c', '1', root + '/papaya', 'load', '--host', '127.0.0.1',
                                       '--port', str(procs[name][1]), '--connections', str(N),
                                       '--rate', '1Mbps', '--seconds', str(SECS + 4)],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    time.sleep(3 + N / 50)  # ramp
    t0 = time.monotonic(); c0 = {n: cpu_ns(p.pid) for n, (p, _) in procs.items()}
    time.sleep(SECS)
    t1 = time.monotonic(); c1 = {n: cpu_ns(p.pid) for n, (p, _) in procs.items()}
    pct = {n: 100 * (c1[n] - c0[n]) / 1e9 / (t1 - t0) for n in procs}
    errs = []
    for l in loads:
        out = l.communicate()[0]
        if 'error=""' not in out: errs.append(out.strip().splitlines()[-1][-120:])
    for p, _ in procs.values():
        p.terminate()
    for p, _ in procs.values():
        p.wait()
    print(f"N={N} rep={rep+1} " + ' '.join(f"{n}={pct[n]:.2f}%" for n in servers) +
          f" after/before={pct['after']/pct['before']:.2f} before/go={pct['before']/pct['go']:.2f}"
          f" after/go={pct['after']/pct['go']:.2f} after/go-raw={pct['after']/pct['go-raw']:.2f}"
          f" load={open('/proc/loadavg').read().split()[0]}" + (f" LOAD ERRORS {errs}" if errs else ''),
          flush=True)
