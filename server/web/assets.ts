/**
 * The one stylesheet and the one script of the web pages, inlined (no build step, no extra
 * requests). The CSP allows exactly these two by their sha256, so a template that smuggles a
 * `<script>` or an `on*=` attribute past escaping would still not run.
 */
import { sha256 as sha256Of } from '../../shared/digest.js'

export const STYLE = `
:root{--bg:#fafaf9;--fg:#1c1917;--muted:#57534e;--line:#e7e5e4;--card:#fff;--accent:#b4410f;--accent-bg:#fff3ea;
--warn:#92400e;--warn-bg:#fef3c7;--add:#166534;--add-bg:#dcfce7;--del:#991b1b;--del-bg:#fee2e2;--code:#f5f5f4;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#171412;--fg:#f5f5f4;--muted:#b5aca6;--line:#3a3430;--card:#211d1a;
--accent:#fb9a5b;--accent-bg:#3b2415;--warn:#fcd34d;--warn-bg:#3d2e0a;--add:#86efac;--add-bg:#14331f;--del:#fca5a5;
--del-bg:#3f1717;--code:#2a2522}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent)}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.wrap{max-width:68rem;margin:0 auto;padding:0 1rem}
header.top{border-bottom:1px solid var(--line);background:var(--card)}
header.top .wrap{display:flex;align-items:center;gap:.75rem;min-height:3.5rem}
.brand{font-weight:700;text-decoration:none;color:var(--fg);letter-spacing:-.01em}
.brand span{color:var(--accent)}
main{padding:1.5rem 0 3rem}
h1{font-size:1.9rem;line-height:1.2;margin:.2rem 0 .4rem;letter-spacing:-.02em;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:2rem 0 .6rem}
.lead{color:var(--muted);margin:0 0 1rem;max-width:45rem;overflow-wrap:anywhere}
code,kbd,pre,.mono{font-family:var(--mono);font-size:.88em}
.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0 1.25rem}
.search label{font-weight:600}
input[type=search],select{font:inherit;padding:.5rem .7rem;border:1px solid var(--muted);border-radius:.5rem;background:var(--card);color:var(--fg)}
input[type=search]{flex:1 1 12rem;min-width:0}
button{font:inherit;font-weight:600;padding:.5rem .9rem;border-radius:.5rem;border:1px solid var(--accent);background:var(--accent);color:var(--bg);cursor:pointer}
button.ghost{background:transparent;color:var(--accent)}
.count{color:var(--muted);font-size:.9rem;margin:0 0 .75rem}
.grid{list-style:none;padding:0;margin:0;display:grid;gap:.9rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,19rem),1fr))}
.card{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:1rem 1.1rem;display:flex;flex-direction:column;gap:.35rem;position:relative}
.card:hover{border-color:var(--accent)}
.card h2{font-size:1.1rem;margin:0;overflow-wrap:anywhere}
.card h2 a{text-decoration:none;color:var(--fg)}
.card h2 a::after{content:"";position:absolute;inset:0;border-radius:.75rem}
.card p{margin:0;color:var(--muted);font-size:.95rem;overflow-wrap:anywhere}
.meta{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:auto;padding-top:.4rem;font-size:.82rem}
.tag{display:inline-block;border-radius:999px;padding:.05rem .55rem;background:var(--code);color:var(--fg);font-family:var(--mono);overflow-wrap:anywhere}
.tag.v{background:var(--accent-bg);color:var(--accent)}
.tag.dep,.notice{background:var(--warn-bg);color:var(--warn)}
.notice{border-radius:.6rem;padding:.7rem 1rem;margin:1rem 0;overflow-wrap:anywhere}
.crumb{font-size:.92rem;margin:0 0 .5rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:1rem 0}
.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.install{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:.6rem .7rem}
.install code{flex:1 1 14rem;overflow-x:auto;white-space:nowrap;padding:.2rem 0}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:.6rem;background:var(--card)}
table{border-collapse:collapse;width:100%;font-size:.93rem}
th,td{text-align:left;padding:.5rem .75rem;border-bottom:1px solid var(--line);vertical-align:top}
tr:last-child>*{border-bottom:0}
th{font-weight:600;color:var(--muted);font-size:.85rem}
td.mono{overflow-wrap:anywhere}
.var{font-family:var(--mono);font-size:.78rem;font-weight:400;color:var(--muted);overflow-wrap:anywhere}
td.model{font-weight:600;color:var(--fg)}
th[scope=row]{color:var(--fg)}
.note{margin:0;padding:.5rem .75rem;border-top:1px solid var(--line);font-size:.85rem}
.small{font-size:.85rem;font-weight:400}
.del{background:var(--del-bg);color:var(--del)}.add{background:var(--add-bg);color:var(--add)}
del,ins{text-decoration:none;border-radius:.3rem;padding:0 .3rem;display:inline-block;max-width:100%}
del::before{content:"− "}ins::before{content:"+ "}
.picker{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:0 0 1rem}
.picker .field{display:flex;flex-direction:column;gap:.2rem}.picker label{font-size:.9rem;font-weight:600}
.versions{list-style:none;padding:0;margin:0;border-left:2px solid var(--line)}
.versions li{padding:.2rem 0 1rem 1rem;position:relative}
.versions li::before{content:"";position:absolute;left:-.4rem;top:.65rem;width:.6rem;height:.6rem;border-radius:50%;background:var(--accent)}
.versions h3{font-size:1rem;margin:0;display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.versions time{color:var(--muted);font-size:.88rem;font-weight:400}
.changelog{margin:.25rem 0 0;white-space:pre-line;overflow-wrap:anywhere}
.muted{color:var(--muted)}
.timeline{margin-bottom:.4rem}.tl{display:block}.tl text{fill:var(--fg);font:12px var(--mono)}
.tl .role{font:600 13px system-ui,sans-serif}.tl .ver{font-weight:600}.tl .date{fill:var(--muted);font-size:11px}.tl .dep .date{fill:var(--warn)}
.tl .cell rect{fill:var(--bg);stroke:var(--line)}.tl .chg rect{fill:var(--accent-bg);stroke:var(--accent);stroke-width:2}
.tl .chg text{font-weight:600}.tl .ret text{fill:var(--muted)}.tl .ret line{stroke:var(--del);stroke-width:1.5}
.legend{font-size:.85rem;margin:.3rem 0}.key{border-radius:.3rem;padding:0 .3rem}.key.chg{background:var(--accent-bg);color:var(--accent)}
.key.ret{text-decoration:line-through;text-decoration-color:var(--del)}.tl-table summary{cursor:pointer;margin:.3rem 0}
caption{text-align:left;padding:.4rem .75rem}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem;padding:1rem 0 2rem}
@media (max-width:40rem){h1{font-size:1.5rem}.facts{grid-template-columns:1fr}.facts dd{margin-bottom:.4rem}
th,td{padding:.45rem .5rem}
#diff thead{display:none}#diff tr{display:grid;grid-template-columns:1fr 1fr;border-bottom:1px solid var(--line)}
#diff th[scope=row]{grid-column:1/-1;border:0;padding-bottom:0}#diff td{border:0}
#diff td::before{content:attr(data-label);display:block;font:600 .75rem system-ui,sans-serif;color:var(--muted)}}
`

/**
 * Filters the catalogue as you type (same rule as the server's `?q=`, which it also reads from the
 * URL, so `?q=` works on a static host too); in a catalogue too large to list whole it searches
 * `search.json` instead of the listed cards. Both it and the card links sit under the page's
 * `data-base` (server/web/base.ts), so a site under `/<repo>/` works too. Wires the copy buttons.
 */
export const SCRIPT = `(()=>{
const base=document.documentElement.dataset.base||'/',q=document.getElementById('q'),grid=document.querySelector('ul.grid'),
count=document.getElementById('count'),empty=document.getElementById('empty'),partial=count&&count.dataset.partial;
let all=null;
const el=(tag,cls,text)=>{const e=document.createElement(tag);if(cls)e.className=cls;if(text)e.textContent=text;return e};
const card=r=>{const li=el('li','card'),h=el('h2'),a=el('a','',r.name),m=el('div','meta');a.href=base+'t/'+r.id;h.append(a);li.dataset.search=r.search;
for(const[t,c,title]of[[r.id,'tag','template id'],[r.latest&&'v'+r.latest,'tag v','latest version'],[r.host,'tag','provider base URL host'],[r.deprecated&&'deprecated','tag dep',r.deprecated]])
if(t){const s=el('span',c,t);s.title=title;m.append(s)}
li.append(h,el('p','',r.description),m);return li};
const say=(n,terms,more)=>{if(count)count.textContent=n+(n===1?' template':' templates')+(terms.length?' match':'')+more;if(empty)empty.hidden=n>0};
const run=()=>{const terms=q.value.toLowerCase().trim().split(/\\s+/).filter(Boolean),hit=s=>terms.every(t=>s.includes(t));
if(all){const found=all.filter(r=>hit(r.search));grid.replaceChildren(...found.slice(0,300).map(card));
say(found.length,terms,found.length>300?'; the first 300 are listed, refine the search to see others':'');return}
let n=0;for(const r of document.querySelectorAll('[data-search]')){const ok=hit(r.dataset.search);r.hidden=!ok;if(ok)n++}
say(n,terms,partial?' among those listed; press Enter to search all '+partial:'')};
const load=()=>all||!partial?Promise.resolve():fetch(base+'search.json').then(r=>r.json()).then(d=>{
all=d.templates.map(r=>({...r,search:[r.id,r.name,r.description,r.host||''].join(' ').toLowerCase()}))}).catch(()=>{});
if(q){const p=new URL(location.href).searchParams.get('q');if(p!==null&&!q.value)q.value=p.slice(0,200);
q.addEventListener('input',()=>{run();if(partial)load().then(run)});
const f=q.form;if(f)f.addEventListener('submit',e=>{e.preventDefault();load().then(()=>{if(partial&&!all)return f.submit();run();
const u=new URL(location.href);if(q.value)u.searchParams.set('q',q.value);else u.searchParams.delete('q');history.replaceState(null,'',u)})});
if(q.value)load().then(run)}
for(const b of document.querySelectorAll('button[data-copy]')){b.hidden=false;b.addEventListener('click',async()=>{
try{await navigator.clipboard.writeText(b.dataset.copy);b.textContent='Copied'}catch{b.textContent='Select and copy'}
setTimeout(()=>{b.textContent='Copy'},2000)})}
})()`

const sha256 = (text: string): string => `'sha256-${sha256Of(text)}'`

/** Nothing but our own style and script; no inline handlers, no frames, forms post only here. */
export const CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * The same policy in a `<meta>` tag of every page, so it holds on a static host that sends no
 * headers; `frame-ancestors` is left out there (browsers ignore it in a meta tag, with a warning).
 */
export const META_CSP = CSP.split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ')
