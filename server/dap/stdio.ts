/** Runs one VtaDebugSession over stdin/stdout (DAP's Content-Length framing). */
import { VtaDebugSession } from './session';

export function runDebugAdapterStdio(): Promise<number> {
  const session = new VtaDebugSession();
  // Nothing else may write to stdout: it carries the protocol.
  console.log = (...a: unknown[]) => process.stderr.write(a.map(String).join(' ') + '\n');
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
  return new Promise((resolve) => {
    process.stdin.on('end', () => resolve(0));
    process.stdin.on('close', () => resolve(0));
  });
}
