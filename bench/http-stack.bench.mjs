/**
 * Why the hot path stays on node:http: a whole process that makes one GET with node:http vs one
 * with ofetch (fetch, i.e. undici), against the same local server, CPU time (user+sys) per process
 * and wall time, against `node -e ""` in the same run.
 */
import { spawnSync } from 'node:child_process'
import { childrenCpuMs, ROOT, startNode } from './_procs.mjs'

const RUNS = Number(process.env.BENCH_RUNS ?? 20)

export default async function httpStackBench() {
  // The server runs in a child so that spawnSync (which blocks this process) does not block it.
  const { url, stop } = await startNode([
    '-e',
    "require('http').createServer((q,s)=>s.end('{\"ok\":true}')).listen(0,'127.0.0.1',function(){console.log('http://127.0.0.1:'+this.address().port)})",
  ])
  const scripts = {
    'node:http': `const r=require('node:http').get(${JSON.stringify(url)},(s)=>{s.resume();s.on('end',()=>{})})`,
    ofetch: `import(${JSON.stringify(`${ROOT}/node_modules/ofetch/dist/node.mjs`)}).then(({ofetch})=>ofetch(${JSON.stringify(url)}))`,
    'node -e ""': '',
  }
  const cpu = {}
  const wall = {}
  for (const name of Object.keys(scripts)) {
    cpu[name] = 0
    wall[name] = 0
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [name, code] of Object.entries(scripts)) {
      const c0 = childrenCpuMs()
      const t0 = process.hrtime.bigint()
      const r = spawnSync(process.execPath, ['-e', code])
      if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`)
      wall[name] += Number(process.hrtime.bigint() - t0) / 1e6 / RUNS
      cpu[name] += (childrenCpuMs() - c0) / RUNS
    }
  }
  await stop()
  const bare = 'node -e ""'
  return [
    {
      name: 'one GET, whole process, CPU: ofetch vs node:http',
      ours: cpu.ofetch,
      baseline: cpu['node:http'],
      baselineName: 'node:http',
      unit: 'ms',
      ratio: cpu.ofetch / cpu['node:http'],
      detail: `bare node ${cpu[bare].toFixed(0)} ms; mean of ${RUNS}`,
    },
    {
      name: 'one GET, whole process, wall: ofetch vs node:http',
      ours: wall.ofetch,
      baseline: wall['node:http'],
      baselineName: 'node:http',
      unit: 'ms',
      ratio: wall.ofetch / wall['node:http'],
      detail: `bare node ${wall[bare].toFixed(0)} ms`,
    },
  ]
}
