/** `doctor --models` flags, apart from the checker so `doctor` can list them without loading it. */
export const doctorModelsArgs = {
  probe: {
    type: 'boolean',
    description: 'With --models: send one max_tokens:1 message per model the list cannot confirm (costs a token each)',
  },
  timeout: { type: 'string', description: 'With --models: seconds to wait for each provider request (default 10)' },
} as const
