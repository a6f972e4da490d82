/** Fixture kinds replayed against real processes by attack-replay.test.ts (render/parse: attacks.test.ts). */
export const REPLAYED_HERE = ['publish', 'client', 'server-log', 'mirror', 'server']
