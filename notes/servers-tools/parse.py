import re, glob, statistics
rows = {}
for f in sorted(glob.glob('/tmp/srvx/timing-t[wk]*-*.log')):
    name = f.split('timing-')[1][:-4]
    kind, jdk, run = name[1], name[2:4], name[5:]
    txt = open(f).read()
    def wall(pat):
        m = re.search(r'\(wall (\d+)\) ' + pat, txt)
        return int(m.group(1)) if m else None
    script = wall('script started')
    ok = wall(r'http://\S+ -> 200')
    err = [l for l in txt.splitlines() if 'ERROR' in l or 'Exception' in l][:2]
    if kind == 'w':
        m = re.search(r'started at \+(\d+) ms after the script', txt)
        jvm = script + int(m.group(1)) if m else None
        lis = wall('LOG .*WFLYUT0006: Undertow HTTP listener')
        d = dict(jvm_to_200=(ok - jvm) if ok and jvm else None, script_to_200=(ok - script) if ok else None,
                 jvm_to_listener=(lis - jvm) if lis and jvm else None)
    else:
        jvm = wall('the process itself is the JVM')
        lis = wall('LOG .*Listening on')
        d = dict(jvm_to_200=(ok - jvm) if ok and jvm else None, script_to_200=(ok - script) if ok else None,
                 rebuild_check=(jvm - script) if jvm else None, jvm_to_log=(lis - jvm) if lis and jvm else None)
    d['errors'] = err
    rows[(kind, jdk, run)] = d
    print(kind, jdk, run, d)
for kind in 'wk':
    for jdk in ('17', '25'):
        rs = [rows[k] for k in rows if k[0] == kind and k[1] == jdk]
        for key in rs[0] if rs else []:
            if key == 'errors': continue
            vals = [r[key] for r in rs if r[key] is not None]
            if vals: print(kind, jdk, key, 'values', vals, 'median', statistics.median(vals))
