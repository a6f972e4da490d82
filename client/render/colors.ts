import pc from 'picocolors'

/** Colours only when a person is reading: stdout is a terminal and NO_COLOR is unset. */
export const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb'
export const c = pc.createColors(useColor)
