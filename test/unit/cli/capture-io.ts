/** An Io for running a CLI handler in-process: stdout discarded, stderr kept. */
export function captureIo() {
  let stderr = '';
  return {
    io: {
      stdout: { write: () => true },
      stderr: { write: (s: string) => ((stderr += s), true) },
      env: {},
      cwd: '/',
    },
    stderr: () => stderr,
  };
}
