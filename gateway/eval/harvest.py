import json, os, subprocess, sys, select, time
# Where the packages are installed and the answers written: HARVEST_DIR, by default
# .harvest beside this script (npm installs under npm/, a virtualenv under venv/).
BASE=os.environ.get('HARVEST_DIR', os.path.join(os.path.dirname(os.path.abspath(__file__)), '.harvest'))
# The git server lists the tools of this checkout (any repository would do).
REPO=os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
ROOT=os.path.join(BASE,'npm')
def npm(pkg, args=(), env=None):
    d=os.path.join(ROOT, pkg.replace('/','_').replace('@','_'))
    pj=json.load(open(os.path.join(d,'node_modules',pkg,'package.json')))
    b=pj.get('bin')
    if isinstance(b,dict): b=list(b.values())[0]
    if b is None: b=pj.get('main','index.js')
    return (pkg, pj['version'], ['node', os.path.join(d,'node_modules',pkg,b), *args], env or {})
def py(pkg, mod, args=()):
    v=subprocess.run([os.path.join(BASE,'venv','bin','pip'),'show',pkg],capture_output=True,text=True).stdout
    ver=[l.split(': ')[1] for l in v.splitlines() if l.startswith('Version')][0]
    return (pkg, ver, [os.path.join(BASE,'venv','bin',mod), *args], {})
for sub in ('root','home','out'):
    os.makedirs(os.path.join(BASE,sub),exist_ok=True)
X='x-not-a-real-token'
S=[
 lambda: npm('@modelcontextprotocol/server-filesystem',[os.path.join(BASE,'root')]),
 lambda: npm('@modelcontextprotocol/server-memory'),
 lambda: npm('@modelcontextprotocol/server-everything',['stdio']),
 lambda: npm('@modelcontextprotocol/server-github',env={'GITHUB_PERSONAL_ACCESS_TOKEN':X}),
 lambda: npm('@modelcontextprotocol/server-gitlab',env={'GITLAB_PERSONAL_ACCESS_TOKEN':X}),
 lambda: npm('@modelcontextprotocol/server-slack',env={'SLACK_BOT_TOKEN':X,'SLACK_TEAM_ID':'T0'}),
 lambda: npm('@modelcontextprotocol/server-puppeteer'),
 lambda: npm('@modelcontextprotocol/server-google-maps',env={'GOOGLE_MAPS_API_KEY':X}),
 lambda: npm('@modelcontextprotocol/server-brave-search',env={'BRAVE_API_KEY':X}),
 lambda: npm('@modelcontextprotocol/server-postgres',['postgresql://127.0.0.1:1/x']),
 lambda: npm('@modelcontextprotocol/server-sequential-thinking'),
 lambda: npm('@modelcontextprotocol/server-redis',['redis://127.0.0.1:1']),
 lambda: npm('@modelcontextprotocol/server-everart',env={'EVERART_API_KEY':X}),
 lambda: npm('@modelcontextprotocol/server-aws-kb-retrieval',env={'AWS_ACCESS_KEY_ID':X,'AWS_SECRET_ACCESS_KEY':X,'AWS_REGION':'us-east-1'}),
 lambda: npm('@playwright/mcp'),
 lambda: npm('@notionhq/notion-mcp-server',env={'NOTION_TOKEN':X}),
 lambda: npm('@upstash/context7-mcp'),
 lambda: npm('tavily-mcp',env={'TAVILY_API_KEY':X}),
 lambda: npm('firecrawl-mcp',env={'FIRECRAWL_API_KEY':X}),
 lambda: npm('@supabase/mcp-server-supabase',['--access-token',X]),
 lambda: npm('mcp-server-kubernetes'),
 lambda: npm('@wonderwhy-er/desktop-commander'),
 lambda: npm('mongodb-mcp-server'),
 lambda: npm('airtable-mcp-server',env={'AIRTABLE_API_KEY':X}),
 lambda: npm('@stripe/mcp',['--tools=all','--api-key=sk_test_'+X]),
 lambda: npm('exa-mcp-server',env={'EXA_API_KEY':X}),
 lambda: npm('@heroku/mcp-server',env={'HEROKU_API_KEY':X}),
 lambda: npm('@hubspot/mcp-server',env={'PRIVATE_APP_ACCESS_TOKEN':X}),
 lambda: npm('@circleci/mcp-server-circleci',env={'CIRCLECI_TOKEN':X}),
 lambda: npm('@neondatabase/mcp-server-neon',['start',X]),
 lambda: npm('@elastic/mcp-server-elasticsearch',env={'ES_URL':'http://127.0.0.1:1','ES_API_KEY':X}),
 lambda: npm('@azure-devops/mcp',['x-org']),
 lambda: npm('figma-developer-mcp',['--figma-api-key='+X,'--stdio']),
 lambda: py('mcp-server-git','mcp-server-git',['--repository',REPO]),
 lambda: py('mcp-server-fetch','mcp-server-fetch'),
 lambda: py('mcp-server-time','mcp-server-time'),
]
def run(spec):
    pkg,ver,cmd,env=spec
    e=dict(os.environ); e.update(env); e['HOME']=os.path.join(BASE,'home')
    p=subprocess.Popen(cmd,stdin=subprocess.PIPE,stdout=subprocess.PIPE,stderr=subprocess.DEVNULL,env=e,cwd=os.path.join(BASE,'root'))
    buf=b''
    def send(m): p.stdin.write((json.dumps(m)+'\n').encode()); p.stdin.flush()
    def recv(id, deadline):
        nonlocal buf
        while time.time()<deadline:
            while b'\n' in buf:
                line,buf=buf.split(b'\n',1)
                try: m=json.loads(line)
                except Exception: continue
                if m.get('id')==id: return m
            r,_,_=select.select([p.stdout],[],[],0.5)
            if r:
                c=os.read(p.stdout.fileno(),65536)
                if not c: return None
                buf+=c
        return None
    try:
        dl=time.time()+60
        send({'jsonrpc':'2.0','id':1,'method':'initialize','params':{'protocolVersion':'2025-06-18','capabilities':{},'clientInfo':{'name':'harvest','version':'0'}}})
        init=recv(1,dl)
        if not init: return None
        send({'jsonrpc':'2.0','method':'notifications/initialized'})
        tools=[]; cursor=None; i=2
        while True:
            params={'cursor':cursor} if cursor else {}
            send({'jsonrpc':'2.0','id':i,'method':'tools/list','params':params})
            r=recv(i,dl)
            if not r or 'result' not in r: return tools or None
            tools+=r['result'].get('tools',[]); cursor=r['result'].get('nextCursor'); i+=1
            if not cursor: break
        return {'package':pkg,'version':ver,'server':init['result'].get('serverInfo',{}),'tools':tools}
    finally:
        p.kill()
for f in S:
    try: spec=f()
    except Exception as ex: print('SKIP', ex); continue
    r=run(spec)
    if r:
        name=spec[0].replace('@','').replace('/','__')
        # A server may quote its working directory; the recording names no machine path.
        text=json.dumps(r,indent=1).replace(BASE,'$HARVEST_DIR').replace(REPO,'$REPO')
        open(os.path.join(BASE,'out',f'{name}.json'),'w').write(text)
        print('OK',spec[0],spec[1],len(r['tools']),flush=True)
    else: print('FAIL',spec[0],flush=True)
